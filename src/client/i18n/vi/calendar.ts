export default {
  calendar: {
    navItem: 'Lịch',
    title: 'Lịch hoạt động',
    intro: 'Các buổi diễn tập, tuyên truyền, tập huấn của trường theo tháng, tuần hoặc danh sách; xem được cả khi không có mạng.',
    today: 'Hôm nay',
    neverSynced: 'Máy này chưa có buổi nào của bạn. Hãy kết nối mạng để đồng bộ lần đầu.',
    links: {
      label: 'Kế hoạch',
      due: 'Việc cần làm',
      print: 'In kế hoạch, tải lịch',
    },
    views: {
      label: 'Cách xem lịch',
      month: 'Tháng',
      week: 'Tuần',
      agenda: 'Danh sách',
    },
    nav: {
      today: 'Hôm nay',
      previous: { month: 'Tháng trước', week: 'Tuần trước', agenda: 'Tháng trước' },
      next: { month: 'Tháng sau', week: 'Tuần sau', agenda: 'Tháng sau' },
    },
    school: {
      label: 'Trường',
      all: 'Tất cả các trường',
    },
    month: {
      noSessions: 'không có buổi nào',
      sessions: '{count} buổi',
      more: '+{count} buổi nữa',
      dayEmpty: 'Không có buổi nào trong ngày này.',
    },
    week: {
      title: 'Tuần {from} – {to}',
      empty: 'Không có buổi nào',
    },
    agenda: {
      empty: 'Không có buổi nào trong tháng này.',
    },
    session: {
      unitWide: 'Buổi chung của {unit}',
      recurring: 'Định kỳ',
      cancelled: 'Đã hủy',
      done: 'Đã tổ chức',
      place: 'Địa điểm',
    },
  },
};
