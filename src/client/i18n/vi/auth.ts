export default {
  auth: {
    signIn: {
      title: 'Đăng nhập',
      intro: 'Dùng tài khoản do nhà trường hoặc Sở GDĐT cấp.',
      username: 'Tên đăng nhập',
      password: 'Mật khẩu',
      showPassword: 'Hiện mật khẩu',
      hidePassword: 'Ẩn mật khẩu',
      submit: 'Đăng nhập',
      submitting: 'Đang đăng nhập…',
      usernameRequired: 'Hãy nhập tên đăng nhập',
      passwordRequired: 'Hãy nhập mật khẩu',
      tooLong: 'Quá dài',
      failed: 'Không đăng nhập được. Hãy thử lại.',
    },
    deviceAccounts: {
      title: 'Đã đăng nhập trên máy này',
      hint: 'Chọn tài khoản để điền sẵn tên đăng nhập.',
      choose: 'Đăng nhập với tài khoản {name} ({username})',
    },
    offline: {
      title: 'Đang ngoại tuyến',
      notice: 'Chỉ đăng nhập được tài khoản đã từng đăng nhập trên máy này. Dữ liệu sẽ đồng bộ khi có mạng.',
    },
  },
};
