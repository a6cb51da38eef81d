/**
 * Reasons specific to the roster and consent mutations, in the voice of REJECTION (reasons.ts): Vietnamese first,
 * English second, as advice to the principal or teacher who sees them in the "needs attention" list.
 */
export const ORG_REJECTION = {
  schoolFixed: 'Không chuyển được sang trường khác; hãy cho rời trường rồi thêm mới (the school cannot change; mark as left and add anew)',
  kindFixed: 'Không đổi được loại người (học sinh, cán bộ, phụ huynh) (the kind of person cannot change)',
  classOfOtherSchool: 'classId: lớp không thuộc trường này (the class is not one of this school)',
  notStudent: 'Người này không phải học sinh (this person is not a student)',
  notParent: 'Người này không phải phụ huynh (this person is not a parent)',
  notStaff: 'homeroomPersonId: người này không phải cán bộ của trường (not a staff member of this school)',
  otherSchool: 'Phụ huynh và học sinh phải cùng một trường (the parent and the student must be of one school)',
  tooManyLinks: 'Phụ huynh đã liên kết tối đa 20 học sinh (a parent links at most 20 students)',
} as const;
