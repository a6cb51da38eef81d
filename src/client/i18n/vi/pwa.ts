export default {
  pwa: {
    keptOnUpdate: '{count} thay đổi chờ đồng bộ vẫn được giữ lại khi cập nhật.',
    attentionKeptOnUpdate: '{count} thay đổi cần xử lý vẫn được giữ lại.',
    firstPull: {
      label: 'Tải dữ liệu trường lần đầu',
      progress: 'Đang tải dữ liệu trường: {received} / {total} dòng ({percent}%)',
      hint: 'Bạn vẫn dùng được phần dữ liệu đã tải xong.',
    },
  },
};
