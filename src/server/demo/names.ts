import type { DemoRandom } from './random';

export type Sex = 'male' | 'female';

/** Children born 2008–2019 carry the names of their time; staff and parents those of the 1960s–1990s. */
export type Generation = 'child' | 'adult';

/**
 * Family names weighted roughly as in the North: Nguyễn about a third, then Trần, Lê, Phạm, Hoàng, Vũ…
 * (Huỳnh and Võ, their southern forms, are rarer in Hà Nội).
 */
const FAMILY_NAMES: readonly (readonly [string, number])[] = [
  ['Nguyễn', 33],
  ['Trần', 10],
  ['Lê', 8],
  ['Phạm', 7],
  ['Hoàng', 5],
  ['Vũ', 5],
  ['Đỗ', 3],
  ['Bùi', 3],
  ['Đặng', 3],
  ['Ngô', 2],
  ['Dương', 2],
  ['Phan', 2],
  ['Đinh', 2],
  ['Trịnh', 2],
  ['Đào', 1.5],
  ['Lương', 1],
  ['Hồ', 1],
  ['Mai', 1],
  ['Lý', 1],
  ['Cao', 1],
  ['Tạ', 0.7],
  ['Chu', 0.7],
  ['Kiều', 0.5],
  ['Lại', 0.5],
  ['Huỳnh', 0.5],
  ['Võ', 0.5],
];

const MIDDLE_NAMES: Record<Generation, Record<Sex, readonly (readonly [string, number])[]>> = {
  child: {
    male: [
      ['Minh', 8], ['Gia', 6], ['Đức', 6], ['Bảo', 5], ['Quang', 4], ['Hoàng', 4], ['Anh', 3], ['Tuấn', 3],
      ['Hải', 3], ['Trung', 3], ['Nhật', 3], ['Đăng', 2], ['Thành', 2], ['Hữu', 2], ['Văn', 2], ['Khánh', 2],
      ['Tiến', 2], ['Việt', 2],
    ],
    female: [
      ['Ngọc', 7], ['Minh', 6], ['Thu', 4], ['Bảo', 4], ['Khánh', 4], ['Phương', 4], ['Hà', 3], ['Gia', 3],
      ['Thảo', 3], ['Mai', 3], ['Diệu', 2], ['Quỳnh', 2], ['Tuệ', 2], ['An', 2], ['Thanh', 2], ['Thị', 2],
      ['Hải', 2], ['Linh', 2],
    ],
  },
  adult: {
    male: [
      ['Văn', 16], ['Đức', 6], ['Minh', 5], ['Quang', 4], ['Hữu', 4], ['Mạnh', 3], ['Xuân', 3], ['Đình', 3],
      ['Ngọc', 2], ['Thanh', 2], ['Tuấn', 2], ['Hoàng', 2], ['Trọng', 2], ['Công', 2], ['Anh', 2],
    ],
    female: [
      ['Thị', 22], ['Thu', 5], ['Ngọc', 4], ['Thanh', 4], ['Minh', 3], ['Hồng', 3], ['Kim', 2], ['Phương', 2],
      ['Bích', 2], ['Lan', 2], ['Hải', 2], ['Mai', 2], ['Diệu', 1], ['Khánh', 1],
    ],
  },
};

const GIVEN_NAMES: Record<Generation, Record<Sex, readonly string[]>> = {
  child: {
    male: [
      'An', 'Anh', 'Bách', 'Bảo', 'Bình', 'Cường', 'Danh', 'Duy', 'Dũng', 'Đạt', 'Đăng', 'Đức', 'Dương', 'Hải',
      'Hiếu', 'Hoàng', 'Huy', 'Hưng', 'Khang', 'Khánh', 'Khoa', 'Khôi', 'Kiên', 'Lâm', 'Long', 'Lộc', 'Minh',
      'Nam', 'Nghĩa', 'Nguyên', 'Nhân', 'Phong', 'Phúc', 'Quân', 'Quang', 'Sơn', 'Tài', 'Thắng', 'Thành',
      'Thịnh', 'Toàn', 'Trí', 'Trung', 'Tú', 'Tuấn', 'Việt', 'Vinh', 'Vũ',
    ],
    female: [
      'An', 'Anh', 'Châu', 'Chi', 'Diệp', 'Giang', 'Hà', 'Hân', 'Hằng', 'Hạnh', 'Hiền', 'Hoa', 'Hương',
      'Huyền', 'Khuê', 'Lan', 'Linh', 'Ly', 'Mai', 'My', 'Nga', 'Ngân', 'Ngọc', 'Nhi', 'Nhung', 'Oanh',
      'Phương', 'Quyên', 'Quỳnh', 'Tâm', 'Thảo', 'Thư', 'Trang', 'Trâm', 'Uyên', 'Vân', 'Vy', 'Yến',
    ],
  },
  adult: {
    male: [
      'Bình', 'Chiến', 'Cường', 'Dũng', 'Dương', 'Đông', 'Giang', 'Hải', 'Hiệp', 'Hòa', 'Hùng', 'Hưng', 'Khải',
      'Kiên', 'Long', 'Lực', 'Minh', 'Nam', 'Nghĩa', 'Phong', 'Quân', 'Quyết', 'Sơn', 'Tâm', 'Thắng', 'Thành',
      'Thuấn', 'Toàn', 'Trung', 'Tú', 'Tuấn', 'Tùng', 'Vinh', 'Việt',
    ],
    female: [
      'Anh', 'Bích', 'Chi', 'Dung', 'Duyên', 'Giang', 'Hà', 'Hằng', 'Hạnh', 'Hiền', 'Hoa', 'Hồng', 'Hương',
      'Huyền', 'Lan', 'Liên', 'Linh', 'Loan', 'Mai', 'Minh', 'Nga', 'Ngọc', 'Nhung', 'Oanh', 'Phượng',
      'Quyên', 'Tâm', 'Thảo', 'Thoa', 'Thủy', 'Trang', 'Tuyết', 'Vân', 'Yến',
    ],
  },
};

export function familyName(rng: DemoRandom): string {
  return rng.weighted(FAMILY_NAMES);
}

/** A full name "Họ Đệm Tên" with the given family name; the middle name never repeats the given name. */
export function fullName(rng: DemoRandom, sex: Sex, generation: Generation, family = familyName(rng)): string {
  const given = rng.pick(GIVEN_NAMES[generation][sex]);
  let middle = rng.weighted(MIDDLE_NAMES[generation][sex]);
  while (middle === given) middle = rng.weighted(MIDDLE_NAMES[generation][sex]);
  return `${family} ${middle} ${given}`;
}

export function randomSex(rng: DemoRandom, femaleShare = 0.5): Sex {
  return rng.chance(femaleShare) ? 'female' : 'male';
}
