/**
 * Why a pushed mutation was rejected. The device keeps it in its "needs attention" list with this text, so each
 * reads as advice to a teacher: Vietnamese first, English second.
 */
export const REJECTION = {
  /** Deliberately the same whether the target does not exist or lies outside the user's scope. */
  notFound: 'Không tìm thấy hoặc không có quyền (not found or not permitted)',
  unknownMutation: (name: string) =>
    `Loại thay đổi "${name}" không được hỗ trợ, hãy cập nhật ứng dụng (unknown change type "${name}", update the app)`,
  invalidArgs: (detail: string) => `Dữ liệu không hợp lệ (invalid data): ${detail}`,
  idReused: 'Mã thay đổi đã được dùng cho một thay đổi khác (change id already used for other content)',
  personLeft: 'Người này không còn ở trường (this person has left the school)',
  sessionCancelled: 'Buổi này đã bị hủy (this session was cancelled)',
  notInAudience: 'Người này không thuộc đối tượng tham dự của buổi (this person is not in the session\'s audience)',
} as const;
