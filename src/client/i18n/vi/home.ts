export default {
  home: {
    title: 'Trang chủ',
    greeting: 'Xin chào, {name}',
    scope: '{role} — {unit}',
    week: 'Tuần này: {from} – {to}',
    otherRoles: 'Vai trò khác',
    noRole: {
      title: 'Tài khoản chưa được phân quyền',
      body: 'Tài khoản của bạn chưa có vai trò ở đơn vị nào. Hãy liên hệ quản trị của trường hoặc Sở GDĐT.',
    },
    device: {
      title: 'Trên máy này',
      pending: '{count} thay đổi chờ đồng bộ',
      noPending: 'Mọi thay đổi đã được gửi lên máy chủ.',
      attention: '{count} thay đổi bị máy chủ từ chối, cần xem lại',
      lastSync: 'Đồng bộ gần nhất: {time}',
      neverSynced: 'Máy này chưa đồng bộ lần nào.',
      offline: 'Đang ngoại tuyến: bạn vẫn làm việc bình thường, dữ liệu sẽ đồng bộ khi có mạng.',
    },
    sections: {
      weekSessions: {
        title: 'Buổi tuyên truyền, tập huấn tuần này',
        empty: 'Chưa có buổi nào trong tuần này để hiển thị.',
      },
      attendanceToMark: {
        title: 'Điểm danh cần làm',
        empty: 'Không có buổi nào đang chờ bạn điểm danh.',
      },
      classCommitments: {
        title: 'Cam kết an toàn giao thông của lớp',
        empty: 'Chưa có bản cam kết nào của lớp để hiển thị.',
      },
      weekDrills: {
        title: 'Diễn tập tuần này',
        empty: 'Chưa có buổi diễn tập nào trong tuần này để hiển thị.',
      },
      schoolActivities: {
        title: 'Hoạt động của trường tuần này',
        empty: 'Chưa có hoạt động nào của trường trong tuần này để hiển thị.',
      },
      attendanceReview: {
        title: 'Điểm danh cần xem lại',
        empty: 'Không có điểm danh nào có ý kiến khác nhau.',
      },
      assignedTrainings: {
        title: 'Buổi tập huấn được giao',
        empty: 'Chưa có buổi tập huấn nào được giao cho bạn trong tuần này.',
      },
      upcomingMaterials: {
        title: 'Tài liệu cho buổi sắp tới',
        empty: 'Chưa có tài liệu nào cho các buổi sắp tới.',
      },
      unitCoverage: {
        title: 'Mức độ thực hiện kế hoạch trong phạm vi',
        empty: 'Chưa có số liệu thực hiện kế hoạch để hiển thị.',
      },
      schoolsBehind: {
        title: 'Trường chưa hoàn thành yêu cầu',
        empty: 'Chưa có trường nào để hiển thị.',
      },
      accountsToReview: {
        title: 'Tài khoản cần xử lý',
        empty: 'Không có tài khoản nào cần xử lý.',
      },
    },
  },
};
