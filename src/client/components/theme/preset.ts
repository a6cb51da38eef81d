import { definePreset } from '@primeuix/themes';
import Aura from '@primeuix/themes/aura';

/**
 * Aura in the Sở's blue. Aura's default primary (emerald 500, and blue 500 too) under white text misses the
 * 4.5:1 contrast that WCAG AA asks of button labels, so buttons use the 700 shade.
 */
export const TruongAnPreset = definePreset(Aura, {
  semantic: {
    primary: {
      50: '{blue.50}',
      100: '{blue.100}',
      200: '{blue.200}',
      300: '{blue.300}',
      400: '{blue.400}',
      500: '{blue.500}',
      600: '{blue.600}',
      700: '{blue.700}',
      800: '{blue.800}',
      900: '{blue.900}',
      950: '{blue.950}',
    },
    colorScheme: {
      light: {
        primary: {
          color: '{primary.700}',
          contrastColor: '#ffffff',
          hoverColor: '{primary.800}',
          activeColor: '{primary.900}',
        },
        formField: {
          // Aura's slate-300 border is too faint (1.5:1) to show where a field is; WCAG 1.4.11 asks 3:1.
          borderColor: '{surface.500}',
          placeholderColor: '{surface.600}',
        },
      },
    },
  },
});

/** Only the light scheme has been checked for contrast; the dark one is not switched on until it is. */
export const DARK_MODE_SELECTOR = '.ta-dark';
