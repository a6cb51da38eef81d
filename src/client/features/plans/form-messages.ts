import { MESSAGES } from '../../../shared/plan/session-input';
import { MAX_OCCURRENCES } from '../../../shared/plan/recurrence';
import type { FormMessages } from './session-form';

type Translate = (key: string, params?: Record<string, unknown>) => string;

const OUTSIDE_YEAR = /^buổi phải nằm trong năm học (.+)$/;

/**
 * The session form's messages in the interface language. The shared schema speaks Vietnamese (the server answers
 * with the same words); in Vietnamese they are shown exactly as the server gives them, in English translated.
 */
export function formMessages(t: Translate, locale: 'vi' | 'en'): FormMessages {
  const known: Record<string, string> = {
    [MESSAGES.endBeforeStart]: 'endBeforeStart',
    [MESSAGES.audienceEmpty]: 'audienceEmpty',
    [MESSAGES.tooLong]: 'tooLong',
    'hãy nhập tên buổi': 'titleRequired',
  };
  return {
    typeRequired: t('plans.form.errors.typeRequired'),
    dateRequired: t('plans.form.errors.dateRequired'),
    timeRequired: t('plans.form.errors.timeRequired'),
    untilRequired: t('plans.form.errors.untilRequired'),
    tooManyOccurrences: t('plans.form.errors.tooManyOccurrences', { max: MAX_OCCURRENCES }),
    localise(message) {
      if (locale === 'vi') return message;
      const key = known[message];
      if (key) return t(`plans.form.errors.${key}`);
      const outside = OUTSIDE_YEAR.exec(message);
      if (outside) return t('plans.form.errors.outsideSchoolYear', { label: outside[1] });
      return message;
    },
  };
}
