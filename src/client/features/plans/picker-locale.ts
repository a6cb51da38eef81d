import { watch } from 'vue';
import { usePrimeVue } from 'primevue/config';
import { useI18n } from 'vue-i18n';

/**
 * PrimeVue's date pickers speak English by default (day and month names, "Choose Date" read by screen readers).
 * Planning pages switch them to the interface language while mounted; the words live in the i18n catalogue.
 */
export function usePickerLocale(): void {
  const primevue = usePrimeVue();
  const { t, tm, rt, locale } = useI18n();
  const list = (key: string): string[] => (tm(key) as unknown[]).map((m) => (typeof m === 'string' ? m : rt(m as never)));
  watch(
    locale,
    () => {
      Object.assign(primevue.config.locale ?? {}, {
        dayNames: list('plans.picker.dayNames'),
        dayNamesShort: list('plans.picker.dayNamesShort'),
        dayNamesMin: list('plans.picker.dayNamesMin'),
        monthNames: list('plans.picker.monthNames'),
        monthNamesShort: list('plans.picker.monthNamesShort'),
        firstDayOfWeek: 1,
        today: t('plans.picker.today'),
        clear: t('plans.picker.clear'),
        chooseDate: t('plans.picker.chooseDate'),
        chooseYear: t('plans.picker.chooseYear'),
        chooseMonth: t('plans.picker.chooseMonth'),
        prevMonth: t('plans.picker.prevMonth'),
        nextMonth: t('plans.picker.nextMonth'),
        prevYear: t('plans.picker.prevYear'),
        nextYear: t('plans.picker.nextYear'),
        prevHour: t('plans.picker.prevHour'),
        nextHour: t('plans.picker.nextHour'),
        prevMinute: t('plans.picker.prevMinute'),
        nextMinute: t('plans.picker.nextMinute'),
      });
    },
    { immediate: true },
  );
}
