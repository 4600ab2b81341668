/**
 * Amazon's robot check ("Enter the characters you see below", the newer "Click the button below
 * to continue shopping", localized variants) is served with HTTP 200 and holds no content. Its
 * form posts to /errors/validateCaptcha in every variant seen from 2017 to 2025; with a captcha
 * field (`#captchacharacters`, or a text `field-keywords` input) it asks for characters
 * ('captcha'), without one it is a button-only robot check. Rules are tried in order.
 */
import type { BlockRule } from '../extractor.ts';

const ROBOT_CHECK_FORM = 'form[action*="validateCaptcha"]';

export const AMAZON_BLOCKS: readonly BlockRule[] = [
  {
    reason: 'captcha',
    selector: `html:has(${ROBOT_CHECK_FORM}) :is(#captchacharacters, input[name="field-keywords"][type="text"])`,
  },
  { reason: 'robot-check', selector: ROBOT_CHECK_FORM },
];
