/**
 * Every platform's extractors, registered on import. The scraper (Lambda and local) and the
 * tests that need the whole set import this module.
 */
