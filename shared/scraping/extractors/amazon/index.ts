/**
 * Amazon's extractors, registered on import: product_details, search_result, category,
 * bestsellers (see docs/extractors.md, "Amazon").
 */
import { registerExtractor } from '../registry.ts';
import { bestsellersExtractor } from './bestsellers.ts';
import { categoryExtractor } from './category.ts';
import { productDetailsExtractor } from './product-details.ts';
import { searchResultExtractor } from './search-result.ts';

export { AMAZON_BLOCKS } from './block-rules.ts';
export { amazonOriginOf, AMAZON_HOSTS, isAmazonHost } from './marketplaces.ts';
export { bestsellersExtractor, categoryExtractor, productDetailsExtractor, searchResultExtractor };

export const AMAZON_EXTRACTORS = [
  productDetailsExtractor,
  searchResultExtractor,
  categoryExtractor,
  bestsellersExtractor,
] as const;

for (const extractor of AMAZON_EXTRACTORS) registerExtractor(extractor);
