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
        // Aura's muted text (slate-500) passes on white but not on the light grey and tinted panels pages use.
        text: { mutedColor: '{surface.600}' },
      },
    },
  },
  components: {
    // Secondary text and outlined buttons are slate-500: under 4.5:1 once they sit on a grey or tinted panel.
    button: {
      colorScheme: {
        light: {
          text: { secondary: { color: '{surface.700}' } },
          outlined: { secondary: { color: '{surface.700}' } },
        },
      },
    },
    // Unselected options of a SelectButton are slate-500 on slate-100: 4.1:1, under AA.
    togglebutton: {
      colorScheme: { light: { root: { color: '{surface.600}' }, icon: { color: '{surface.600}' } } },
    },
    // Aura's message text is the 600 shade on the 50 shade (yellow: 2.9:1); the 800 shades read at 4.5:1 or more.
    message: {
      colorScheme: {
        light: {
          info: { color: '{blue.800}', simple: { color: '{blue.800}' }, outlined: { color: '{blue.800}' } },
          success: { color: '{green.800}', simple: { color: '{green.800}' }, outlined: { color: '{green.800}' } },
          warn: { color: '{yellow.800}', simple: { color: '{yellow.800}' }, outlined: { color: '{yellow.800}' } },
          error: { color: '{red.800}', simple: { color: '{red.800}' }, outlined: { color: '{red.800}' } },
          secondary: { color: '{surface.700}', simple: { color: '{surface.700}' }, outlined: { color: '{surface.700}' } },
        },
      },
    },
  },
});

/** Only the light scheme has been checked for contrast; the dark one is not switched on until it is. */
export const DARK_MODE_SELECTOR = '.ta-dark';
