import type { FeatureMessages } from '../../lib/i18n.ts';

export const messages: FeatureMessages = {
  it: {},
  en: {},
};
