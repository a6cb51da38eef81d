import type vi from '../vi/pwa';

export default {
  pwa: {
    keptOnUpdate: 'Changes waiting to sync ({count}) are kept through the update.',
    attentionKeptOnUpdate: 'Changes needing attention ({count}) are kept as well.',
    firstPull: {
      label: 'First download of the school data',
      progress: 'Loading school data: {received} / {total} rows ({percent}%)',
      hint: 'You can already use the data that has arrived.',
    },
  },
} satisfies typeof vi;
