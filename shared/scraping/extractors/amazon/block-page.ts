/**
 * Amazon's robot check ("Enter the characters you see below", the newer "Click the button below
 * to continue shopping", localized variants): a page served with HTTP 200 that holds no content.
 * Recognized by its form, which posts to /errors/validateCaptcha in every variant seen from 2017
 * to 2025, and by its captcha field. Runs in the page (passed to page.evaluate), so it is
 * self-contained DOM code.
 */
export type AmazonBlock = 'captcha' | 'robot-check';

export function detectAmazonBlock(): AmazonBlock | undefined {
  const form = document.querySelector('form[action*="validateCaptcha"]');
  if (!form) return undefined;
  return document.querySelector('#captchacharacters, input[name="field-keywords"][type="text"]')
    ? 'captcha'
    : 'robot-check';
}
