export default {
  home: {
    title: 'Home',
    greeting: 'Hello, {name}',
    scope: '{role} — {unit}',
    week: 'This week: {from} – {to}',
    otherRoles: 'Other roles',
    noRole: {
      title: 'No role assigned yet',
      body: 'Your account has no role in any unit yet. Please contact your school or Department administrator.',
    },
    device: {
      title: 'On this device',
      pending: '{count} changes waiting to sync',
      noPending: 'Every change has been sent to the server.',
      attention: '{count} changes were refused by the server and need attention',
      lastSync: 'Last synced: {time}',
      neverSynced: 'This device has never synced.',
      offline: 'Offline: keep working as usual, data syncs when the network is back.',
    },
    sections: {
      weekSessions: {
        title: 'Legal-education and training sessions this week',
        empty: 'No sessions this week to show yet.',
      },
      attendanceToMark: {
        title: 'Attendance to take',
        empty: 'No session is waiting for your attendance.',
      },
      classCommitments: {
        title: 'Traffic-safety commitments of your class',
        empty: 'No commitment forms of your class to show yet.',
      },
      weekDrills: {
        title: 'Drills this week',
        empty: 'No drills this week to show yet.',
      },
      schoolActivities: {
        title: 'School activities this week',
        empty: 'No school activities this week to show yet.',
      },
      attendanceReview: {
        title: 'Attendance to review',
        empty: 'No attendance marks disagree.',
      },
      assignedTrainings: {
        title: 'Trainings assigned to you',
        empty: 'No trainings assigned to you this week yet.',
      },
      upcomingMaterials: {
        title: 'Materials for upcoming sessions',
        empty: 'No materials for upcoming sessions yet.',
      },
      unitCoverage: {
        title: 'Plan coverage in your scope',
        empty: 'No coverage figures to show yet.',
      },
      schoolsBehind: {
        title: 'Schools not meeting requirements',
        empty: 'No schools to show yet.',
      },
      accountsToReview: {
        title: 'Accounts to review',
        empty: 'No accounts need review.',
      },
    },
  },
};
