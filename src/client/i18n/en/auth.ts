export default {
  auth: {
    signIn: {
      title: 'Sign in',
      intro: 'Use the account given to you by your school or the Department of Education and Training.',
      username: 'Username',
      password: 'Password',
      showPassword: 'Show password',
      hidePassword: 'Hide password',
      submit: 'Sign in',
      submitting: 'Signing in…',
      usernameRequired: 'Enter your username',
      passwordRequired: 'Enter your password',
      tooLong: 'Too long',
      failed: 'Could not sign in. Please try again.',
    },
    deviceAccounts: {
      title: 'Signed in on this device before',
      hint: 'Pick an account to fill in its username.',
      choose: 'Sign in as {name} ({username})',
    },
    offline: {
      title: 'Offline',
      notice: 'Only accounts that have signed in on this device before can sign in. Data syncs when the network is back.',
    },
  },
};
