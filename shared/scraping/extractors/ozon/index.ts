/** Ozon's extractors, registered when this module is imported. */
import { registerExtractor } from '../registry.ts';
import { ozonCategory } from './category.ts';
import { ozonProductDetails } from './product-details.ts';
import { ozonSearchResult } from './search-result.ts';

for (const extractor of [ozonProductDetails, ozonCategory, ozonSearchResult]) registerExtractor(extractor);

export { ozonCategory, ozonProductDetails, ozonSearchResult };
export { OZON_ORIGINS } from './site.ts';
