/** 1688's extractors, registered when this module is imported. */
import { registerExtractor } from '../registry.ts';
import { alibabaProductDetails } from './product-details.ts';
import { alibabaSearchResult } from './search-result.ts';

for (const extractor of [alibabaProductDetails, alibabaSearchResult]) registerExtractor(extractor);

export { alibabaProductDetails, alibabaSearchResult };
export { encodeGbk } from './gbk.ts';
export { ALIBABA_1688_ORIGINS } from './site.ts';
