export default {
  calendar: {
    navItem: 'Calendar',
    title: 'Activity calendar',
    intro: "Your school's drills, legal-education sessions and trainings by month, by week or as a list; available offline too.",
    today: 'Today',
    neverSynced: 'This device has none of your sessions yet. Connect to the network for the first sync.',
    links: {
      label: 'Plan',
      due: 'What is due',
      print: 'Print the plan, download the calendar',
    },
    views: {
      label: 'Calendar view',
      month: 'Month',
      week: 'Week',
      agenda: 'List',
    },
    nav: {
      today: 'Today',
      previous: { month: 'Previous month', week: 'Previous week', agenda: 'Previous month' },
      next: { month: 'Next month', week: 'Next week', agenda: 'Next month' },
    },
    school: {
      label: 'School',
      all: 'All schools',
    },
    month: {
      noSessions: 'no sessions',
      sessions: '1 session | {count} sessions',
      more: '+{count} more',
      dayEmpty: 'No sessions on this day.',
    },
    week: {
      title: 'Week {from} – {to}',
      empty: 'No sessions',
    },
    agenda: {
      empty: 'No sessions this month.',
    },
    session: {
      unitWide: 'Shared by {unit}',
      recurring: 'Recurring',
      cancelled: 'Cancelled',
      done: 'Held',
      place: 'Place',
    },
  },
};
