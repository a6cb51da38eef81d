import type { ActivityCode, SessionAudience } from '../../shared/domain/activities';
import { newId } from '../../shared/domain/ids';
import { commitmentKindsFor } from '../../shared/domain/commitments';
import { drillHeadcountId } from '../../shared/drill';
import type { AttendanceStatus } from '../../shared/domain/records';
import type { LocalDate } from '../../shared/time';
import {
  addDays,
  addMinutes,
  addSeconds,
  atHanoi,
  laterDate,
  saturdayFrom,
  schoolDayFrom,
  WEEKDAY,
} from './calendar';
import type { SchoolKey } from './catalogue';
import type { DemoOrg, DemoSchool } from './org';
import type { ActivityTypeIds } from './plan';
import type { DemoRandom } from './random';
import { UNVERSIONED, type DemoRows } from './rows';
import type { DemoUserIds } from './users';
import { planDate, type DemoClock, type PlanDay } from './year';

/** The device id written on every mark and signature the demo invents, so they are told apart from real ones. */
const DEMO_CLIENT_ID = 'demo-seed';

interface SessionSpec {
  school: DemoSchool | null;
  scopeUnitId: string;
  activity: ActivityCode;
  scenarioCode?: string;
  title: string;
  date: LocalDate;
  from: string;
  to: string;
  place: string;
  audience: Partial<SessionAudience>;
  facilitatorPersonId?: string;
  trainerUserId?: string;
  periods?: number;
  status: 'planned' | 'done' | 'cancelled';
  createdBy: string;
}

interface AddedSession {
  id: string;
  startsAt: string;
  endsAt: string;
}

interface Attendee {
  schoolId: string;
  personId: string;
  kind: 'student' | 'staff' | 'parent';
  markedBy: string;
}

/** What the drill record says once a drill has been held. */
interface DrillOutcome {
  evacuationSeconds: number;
  missing: number;
  observations: string[];
  notes: string;
}

type DrillScenario = 'fire_evacuation' | 'earthquake' | 'intruder' | 'flood_storm';

/**
 * A school's plan for the year, as days of the school calendar ("the second Monday of September"): HK I opens with
 * the ATGT month and the first parent meeting, has its fire drill in October, volunteering and the staff's legal
 * education in the autumn; HK II opens with the parent meeting after the term results and has its own drill, on the
 * scenario that comes next in the school's rotation. Whatever lies before the demo's day has been held and recorded.
 */
interface SchoolYearPlan {
  traffic: PlanDay;
  parentMeeting: PlanDay;
  drill: PlanDay;
  drillOutcome: DrillOutcome;
  volunteering: { day: PlanDay; title: string; grades: number[] };
  staffLegal: PlanDay;
  secondTermParentMeeting: PlanDay;
  secondTermDrill: { day: PlanDay; scenario: DrillScenario; outcome: DrillOutcome };
}

const { monday, tuesday, wednesday, thursday, friday, saturday } = WEEKDAY;

/** In 2025-2026 these are the days the schools held them: 8 September 2025, 20 September 2025, 14 October 2025… */
const YEAR_PLAN: Record<SchoolKey, SchoolYearPlan> = {
  dichvong: {
    traffic: { month: 9, weekday: monday, nth: 2 },
    parentMeeting: { month: 9, weekday: saturday, nth: 3 },
    drill: { month: 10, weekday: tuesday, nth: 2 },
    drillOutcome: {
      evacuationSeconds: 312,
      missing: 0,
      observations: ['slow_start'],
      notes:
        'Học sinh khối 1 xuống cầu thang dãy B chậm; cần bố trí thêm giáo viên hướng dẫn tại chiếu nghỉ cầu thang.',
    },
    volunteering: {
      day: { month: 10, weekday: friday, nth: 4 },
      title: 'Phong trào Kế hoạch nhỏ: thu gom giấy vụn, ủng hộ học sinh vùng bị ảnh hưởng bởi bão lũ',
      grades: [4, 5],
    },
    staffLegal: { month: 11, weekday: wednesday, nth: 1 },
    secondTermParentMeeting: { month: 1, weekday: saturday, nth: 4 },
    secondTermDrill: {
      day: { month: 3, weekday: thursday, nth: 2 },
      scenario: 'intruder',
      outcome: {
        evacuationSeconds: 150,
        missing: 0,
        observations: [],
        notes:
          'Các lớp đóng cửa, tắt đèn, giữ im lặng đúng hướng dẫn; bảo vệ báo tin cho Công an phường trong 2 phút.',
      },
    },
  },
  nguyentrai: {
    traffic: { month: 9, weekday: monday, nth: 2 },
    parentMeeting: { month: 9, weekday: saturday, nth: 3 },
    drill: { month: 10, weekday: thursday, nth: 3 },
    drillOutcome: {
      evacuationSeconds: 245,
      missing: 1,
      observations: ['people_unaccounted', 'assembly_point_crowded'],
      notes:
        'Điểm tập kết ở sân trước chật. Một học sinh ở lại phòng vệ sinh tầng 3, ' +
        'được tổ tìm kiếm, cứu nạn đưa ra sau 4 phút.',
    },
    volunteering: {
      day: { month: 10, weekday: friday, nth: 'last' },
      title: 'Lao động tập thể: vệ sinh khuôn viên trường, chăm sóc bồn hoa, cây xanh',
      grades: [8, 9],
    },
    staffLegal: { month: 11, weekday: thursday, nth: 1 },
    secondTermParentMeeting: { month: 1, weekday: saturday, nth: 4 },
    secondTermDrill: {
      day: { month: 3, weekday: tuesday, nth: 3 },
      scenario: 'flood_storm',
      outcome: {
        evacuationSeconds: 230,
        missing: 0,
        observations: ['assembly_point_crowded'],
        notes: 'Học sinh tầng 1 lên tầng 2, 3 theo đúng sơ đồ; hành lang tầng 2 đông, cần phân luồng theo khối.',
      },
    },
  },
  yenhoa: {
    traffic: { month: 9, weekday: tuesday, nth: 2 },
    parentMeeting: { month: 9, weekday: saturday, nth: 4 },
    drill: { month: 10, weekday: wednesday, nth: 4 },
    drillOutcome: {
      evacuationSeconds: 198,
      missing: 0,
      observations: ['alarm_not_heard'],
      notes: 'Chuông báo cháy ở dãy nhà C nghe không rõ; đề nghị lắp bổ sung loa báo động.',
    },
    volunteering: {
      day: { month: 11, weekday: saturday, nth: 2 },
      title: 'Ra quân tình nguyện: vệ sinh môi trường, làm sạch tuyến phố quanh trường',
      grades: [10, 11],
    },
    staffLegal: { month: 11, weekday: wednesday, nth: 2 },
    secondTermParentMeeting: { month: 1, weekday: saturday, nth: 4 },
    secondTermDrill: {
      day: { month: 3, weekday: wednesday, nth: 4 },
      scenario: 'earthquake',
      outcome: {
        evacuationSeconds: 205,
        missing: 0,
        observations: ['panic'],
        notes:
          'Một số học sinh khối 10 chạy ra khỏi lớp khi còn rung lắc; ' +
          'cần nhắc lại động tác cúi xuống, che đầu, bám chắc.',
      },
    },
  },
};

/** A cluster-wide training of youth-education staff; an outdoor activity at Nguyễn Trãi called off by a storm. */
const CLUSTER_TRAINING_DAY: PlanDay = { month: 11, weekday: saturday, nth: 3 };
const CANCELLED_OUTING_DAY: PlanDay = { month: 10, weekday: tuesday, nth: 1 };

const DRILL_TITLES: Record<DrillScenario, string> = {
  fire_evacuation: 'Diễn tập phương án chữa cháy, cứu nạn, cứu hộ và thoát nạn',
  earthquake: 'Diễn tập ứng phó động đất',
  intruder: 'Diễn tập tình huống đột nhập, bạo lực trong trường học',
  flood_storm: 'Diễn tập ứng phó bão, lũ và sơ tán học sinh',
};

/** Scenario of each school's next drill: the rotation requirement walks every school through the scenarios in turn. */
const NEXT_DRILL: Record<SchoolKey, DrillScenario> = {
  dichvong: 'earthquake',
  nguyentrai: 'intruder',
  yenhoa: 'flood_storm',
};

const NOTES: Record<Attendee['kind'], Partial<Record<AttendanceStatus, readonly string[]>>> = {
  student: {
    late: ['Đến muộn, gia đình đưa đi muộn'],
    excused: ['Ốm, gia đình đã xin phép', 'Đi khám bệnh, có đơn xin phép', 'Việc gia đình, có đơn xin phép'],
    absent: ['Chưa liên lạc được với gia đình'],
  },
  staff: {
    late: ['Đến muộn do dạy tiết trước ở cơ sở 2'],
    excused: ['Đi công tác', 'Nghỉ ốm', 'Nghỉ chế độ thai sản'],
  },
  parent: {
    late: ['Đến muộn'],
    excused: ['Bận công tác, đã báo giáo viên chủ nhiệm', 'Ủy quyền cho ông bà dự họp'],
  },
};

/** How often each mark is given: most attend, a few are late, excused or absent. */
const STATUS_WEIGHTS: Record<Attendee['kind'], readonly (readonly [AttendanceStatus, number])[]> = {
  student: [['present', 90], ['late', 3], ['excused', 5], ['absent', 2]],
  staff: [['present', 90], ['late', 3], ['excused', 6], ['absent', 1]],
  parent: [['present', 80], ['late', 6], ['excused', 9], ['absent', 5]],
};

function audience(a: Partial<SessionAudience>): SessionAudience {
  return { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false, ...a };
}

export function buildSessions(
  rng: DemoRandom,
  rows: DemoRows,
  org: DemoOrg,
  types: ActivityTypeIds,
  users: DemoUserIds,
  clock: DemoClock,
): void {
  const { year, today, nowIso } = clock;
  /** The school days already taken by a session of each school, so that upcoming sessions are put on free days. */
  const busy = new Set<string>();
  const busyKey = (schoolId: string, date: LocalDate) => `${schoolId}|${date}`;
  /** A session of the plan was held if its day is over; on the demo's day itself it is still to be closed. */
  const statusOn = (date: LocalDate): 'done' | 'planned' => (date < today ? 'done' : 'planned');

  const addSession = (spec: SessionSpec): AddedSession => {
    const id = newId();
    const startsAt = atHanoi(spec.date, spec.from);
    const endsAt = atHanoi(spec.date, spec.to);
    const planned = spec.status === 'planned';
    // Past sessions were planned about two weeks ahead and closed shortly after they ended; future ones were
    // planned a few days before the demo was loaded.
    const createdAt = planned ? addMinutes(nowIso, -3 * 24 * 60) : addMinutes(startsAt, -14 * 24 * 60);
    const updatedAt = planned ? createdAt : addMinutes(endsAt, 45);
    if (spec.school) busy.add(busyKey(spec.school.id, spec.date));
    rows.sessions.push({
      id,
      school_id: spec.school?.id ?? null,
      scope_unit_id: spec.scopeUnitId,
      school_year_id: org.schoolYearId,
      activity_type_id: types[spec.activity],
      scenario_code: spec.scenarioCode ?? null,
      title: spec.title,
      starts_at: startsAt,
      ends_at: endsAt,
      place: spec.place,
      audience: JSON.stringify(audience(spec.audience)),
      facilitator_person_id: spec.facilitatorPersonId ?? null,
      trainer_user_id: spec.trainerUserId ?? null,
      material_ids: '[]',
      periods: spec.periods ?? null,
      status: spec.status,
      // Closing (done) or cancelling a session is an edit of its plan.
      revision: planned ? 0 : 1,
      created_by: spec.createdBy,
      created_at: createdAt,
      updated_at: updatedAt,
      series_id: null,
      cancel_reason: null,
      // A session held at a school is in the school's stream; a unit-wide one in its scope unit's.
      stream: spec.school?.id ?? spec.scopeUnitId,
      version: UNVERSIONED,
    });
    return { id, startsAt, endsAt };
  };

  const markAll = (session: AddedSession, attendees: Attendee[]): number => {
    let attended = 0;
    for (const a of attendees) {
      const status = rng.weighted(STATUS_WEIGHTS[a.kind]);
      if (status === 'present' || status === 'late') attended += 1;
      const notes = NOTES[a.kind][status];
      const note = notes && rng.chance(0.8) ? rng.pick(notes) : null;
      const markedAt = addSeconds(session.startsAt, rng.int(60, 25 * 60));
      const receivedAt = addSeconds(markedAt, rng.int(5, 40 * 60));
      const mark = {
        school_id: a.schoolId,
        session_id: session.id,
        person_id: a.personId,
        status,
        note,
        marked_by: a.markedBy,
        marked_at: markedAt,
      };
      rows.attendance.push({ id: newId(), ...mark, stream: a.schoolId, version: UNVERSIONED });
      rows.attendance_history.push({
        id: newId(),
        ...mark,
        mutation_id: newId(),
        client_id: DEMO_CLIENT_ID,
        received_at: receivedAt,
      });
    }
    return attended;
  };

  const recordDrill = (
    school: DemoSchool,
    drill: AddedSession,
    scenario: DrillScenario,
    outcome: DrillOutcome,
    onSite: number,
  ): void => {
    const alarmAt = addMinutes(drill.startsAt, 15);
    rows.drill_records.push({
      id: newId(),
      school_id: school.id,
      session_id: drill.id,
      scenario_code: scenario,
      alarm_at: alarmAt,
      // After the evacuation come the headcount, the demonstration and the debrief.
      all_clear_at: addSeconds(alarmAt, outcome.evacuationSeconds + 35 * 60),
      evacuation_seconds: outcome.evacuationSeconds,
      expected_count: onSite,
      accounted_count: onSite - outcome.missing,
      missing_count: outcome.missing,
      observations: JSON.stringify(outcome.observations),
      notes: outcome.notes,
      photo_hashes: '[]',
      stream: school.id,
      version: UNVERSIONED,
    });
    recordHeadcounts(school, drill, alarmAt, outcome.missing);
  };

  /**
   * Each class's headcount at the assembly point, as its homeroom teacher reported it: the pupils marked present or
   * late at the drill were there, the others absent today; the drill's missing people (still missing at its end) are
   * the first pupils of the first classes. Derived from the marks already made, without drawing from the random
   * stream, so that the rest of the demo stays as it was.
   */
  const recordHeadcounts = (school: DemoSchool, drill: AddedSession, alarmAt: string, missing: number): void => {
    const classOf = new Map(school.students.map((s) => [s.id, s.classId]));
    const perClass = new Map<string, { present: string[]; absent: number }>();
    for (const c of school.classes) perClass.set(c.id, { present: [], absent: 0 });
    for (const mark of rows.attendance) {
      if (mark.session_id !== drill.id) continue;
      const counts = perClass.get(classOf.get(mark.person_id) ?? '');
      if (!counts) continue;
      if (mark.status === 'present' || mark.status === 'late') counts.present.push(mark.person_id);
      else counts.absent += 1;
    }
    let stillMissing = missing;
    school.classes.forEach((c, i) => {
      const counts = perClass.get(c.id)!;
      const missingIds = counts.present.splice(0, Math.min(stillMissing, counts.present.length));
      stillMissing -= missingIds.length;
      if (counts.present.length + missingIds.length + counts.absent === 0) return;
      rows.drill_headcounts.push({
        id: drillHeadcountId(drill.id, c.id),
        school_id: school.id,
        session_id: drill.id,
        class_id: c.id,
        present_count: counts.present.length,
        missing_count: missingIds.length,
        absent_count: counts.absent,
        missing_person_ids: JSON.stringify(missingIds),
        reported_by: homeroomUsers.get(c.id) ?? recorder[school.def.key],
        reported_at: addSeconds(alarmAt, 180 + 15 * i),
        stream: school.id,
        version: UNVERSIONED,
      });
    });
  };

  // Attendance at Yên Hòa, which has no demo account of its own, was entered by the administrator from the
  // paper sign-in sheets; at the other schools by the principal, or by the demo teacher for their own class.
  const recorder: Record<SchoolKey, string> = {
    dichvong: users['ht.dichvong'],
    nguyentrai: users['ht.nguyentrai'],
    yenhoa: users.quantri,
  };
  const planner: Record<SchoolKey, string> = {
    dichvong: users['ht.dichvong'],
    nguyentrai: users['ht.nguyentrai'],
    yenhoa: users['so.canbo'],
  };
  const homeroomUsers = new Map<string, string>();
  for (const [username, school, className] of [
    ['gv.dichvong', 'dichvong', '3A1'],
    ['gv.nguyentrai', 'nguyentrai', '7A1'],
  ] as const) {
    const cls = org.schools[school].classes.find((c) => c.name === className);
    if (cls) homeroomUsers.set(cls.id, users[username]);
  }

  const studentsOf = (school: DemoSchool, grades?: number[]): Attendee[] =>
    school.students
      .filter((s) => !grades || grades.includes(s.grade))
      .map((s) => ({
        schoolId: school.id,
        personId: s.id,
        kind: 'student',
        markedBy: homeroomUsers.get(s.classId) ?? recorder[school.def.key],
      }));
  const staffOf = (school: DemoSchool): Attendee[] =>
    school.staff.map((s) => ({
      schoolId: school.id,
      personId: s.id,
      kind: 'staff',
      markedBy: recorder[school.def.key],
    }));
  const parentsOf = (school: DemoSchool): Attendee[] => {
    const classOfStudent = new Map(school.students.map((s) => [s.id, s.classId]));
    return school.parents.map((p) => {
      const classId = classOfStudent.get(p.studentIds[0] ?? '');
      return {
        schoolId: school.id,
        personId: p.id,
        kind: 'parent',
        markedBy: (classId && homeroomUsers.get(classId)) || recorder[school.def.key],
      };
    });
  };

  for (const school of Object.values(org.schools)) {
    const key = school.def.key;
    const plan = YEAR_PLAN[key];
    const grades = school.def.grades;

    const trafficDate = planDate(year, plan.traffic);
    const traffic = addSession({
      school,
      scopeUnitId: school.id,
      activity: 'traffic_safety',
      title: 'Tuyên truyền an toàn giao thông đầu năm học và phát bản cam kết cho học sinh, cha mẹ học sinh',
      date: trafficDate,
      from: '07:15',
      to: '08:30',
      place: 'Sân trường',
      audience: { grades },
      facilitatorPersonId: school.youthLeader.id,
      status: statusOn(trafficDate),
      createdBy: planner[key],
    });
    // The commitment forms are handed out at this session: none is signed before it has been held.
    if (statusOn(trafficDate) === 'done') {
      markAll(traffic, studentsOf(school));
      buildCommitments(rng, rows, org, school, trafficDate, clock);
    }

    const parentMeetingDate = planDate(year, plan.parentMeeting);
    const parentMeeting = addSession({
      school,
      scopeUnitId: school.id,
      activity: 'parent_outreach',
      title: 'Họp cha mẹ học sinh đầu năm học: phối hợp giáo dục đạo đức, phòng, chống bạo lực học đường',
      date: parentMeetingDate,
      from: '08:00',
      to: '10:00',
      place: 'Các phòng học',
      audience: { parents: true },
      facilitatorPersonId: school.principal.id,
      status: statusOn(parentMeetingDate),
      createdBy: planner[key],
    });
    if (statusOn(parentMeetingDate) === 'done') markAll(parentMeeting, parentsOf(school));

    const drillDate = planDate(year, plan.drill);
    const drill = addSession({
      school,
      scopeUnitId: school.id,
      activity: 'drill',
      scenarioCode: 'fire_evacuation',
      title: `${DRILL_TITLES.fire_evacuation} – học kỳ I`,
      date: drillDate,
      from: '08:00',
      to: '10:00',
      place: 'Toàn trường; điểm tập kết: sân trường',
      audience: { grades, staff: true },
      facilitatorPersonId: school.vicePrincipals[0]?.id ?? school.principal.id,
      status: statusOn(drillDate),
      createdBy: planner[key],
    });
    if (statusOn(drillDate) === 'done') {
      const onSite = markAll(drill, [...studentsOf(school), ...staffOf(school)]);
      recordDrill(school, drill, 'fire_evacuation', plan.drillOutcome, onSite);
    }

    const volunteeringDate = planDate(year, plan.volunteering.day);
    const volunteering = addSession({
      school,
      scopeUnitId: school.id,
      activity: 'volunteering',
      title: plan.volunteering.title,
      date: volunteeringDate,
      from: '14:00',
      to: '16:30',
      place: 'Khuôn viên trường',
      audience: { grades: plan.volunteering.grades },
      facilitatorPersonId: school.youthLeader.id,
      status: statusOn(volunteeringDate),
      createdBy: planner[key],
    });
    if (statusOn(volunteeringDate) === 'done') markAll(volunteering, studentsOf(school, plan.volunteering.grades));

    const staffLegalDate = planDate(year, plan.staffLegal);
    const staffLegal = addSession({
      school,
      scopeUnitId: school.id,
      activity: 'legal_education',
      title:
        'Phổ biến Luật Bảo vệ dữ liệu cá nhân 2025 và Nghị định 80/2017/NĐ-CP ' +
        'về môi trường giáo dục an toàn, lành mạnh, thân thiện',
      date: staffLegalDate,
      from: '14:00',
      to: '16:30',
      place: 'Phòng hội đồng',
      audience: { staff: true },
      facilitatorPersonId: school.principal.id,
      status: statusOn(staffLegalDate),
      createdBy: planner[key],
    });
    if (statusOn(staffLegalDate) === 'done') markAll(staffLegal, staffOf(school));

    const termMeetingDate = planDate(year, plan.secondTermParentMeeting);
    const termMeeting = addSession({
      school,
      scopeUnitId: school.id,
      activity: 'parent_outreach',
      title:
        'Họp cha mẹ học sinh sơ kết học kỳ I: kết quả học tập, rèn luyện và giữ an toàn cho con ' +
        'trong dịp nghỉ Tết',
      date: termMeetingDate,
      from: '08:00',
      to: '10:00',
      place: 'Các phòng học',
      audience: { parents: true },
      facilitatorPersonId: school.principal.id,
      status: statusOn(termMeetingDate),
      createdBy: planner[key],
    });
    if (statusOn(termMeetingDate) === 'done') markAll(termMeeting, parentsOf(school));

    const secondDrill = plan.secondTermDrill;
    const secondDrillDate = planDate(year, secondDrill.day);
    const springDrill = addSession({
      school,
      scopeUnitId: school.id,
      activity: 'drill',
      scenarioCode: secondDrill.scenario,
      title: `${DRILL_TITLES[secondDrill.scenario]} – học kỳ II`,
      date: secondDrillDate,
      from: '08:00',
      to: '09:30',
      place: 'Toàn trường; điểm tập kết: sân trường',
      audience: { grades, staff: true },
      facilitatorPersonId: school.vicePrincipals[1]?.id ?? school.principal.id,
      status: statusOn(secondDrillDate),
      createdBy: planner[key],
    });
    if (statusOn(secondDrillDate) === 'done') {
      const onSite = markAll(springDrill, [...studentsOf(school), ...staffOf(school)]);
      recordDrill(school, springDrill, secondDrill.scenario, secondDrill.outcome, onSite);
    }
  }

  // A cancellation is only known once the day has come: before it, the outing simply is not in the demo.
  const nguyenTrai = org.schools.nguyentrai;
  const cancelledDate = planDate(year, CANCELLED_OUTING_DAY);
  if (cancelledDate < today) {
    addSession({
      school: nguyenTrai,
      scopeUnitId: nguyenTrai.id,
      activity: 'other',
      title: 'Ngoại khóa kỹ năng phòng, chống đuối nước (hoãn do mưa bão)',
      date: cancelledDate,
      from: '14:00',
      to: '16:00',
      place: 'Sân trường',
      audience: { grades: [6, 7] },
      facilitatorPersonId: nguyenTrai.youthLeader.id,
      status: 'cancelled',
      createdBy: users['ht.nguyentrai'],
    });
  }

  const clusterDate = planDate(year, CLUSTER_TRAINING_DAY);
  const cluster = addSession({
    school: null,
    scopeUnitId: org.clusterId,
    activity: 'staff_training',
    title: 'Tập huấn nghiệp vụ công tác Đội, Đoàn: kỹ năng phòng, chống bạo lực học đường',
    date: clusterDate,
    from: '08:00',
    to: '11:30',
    place: 'Hội trường Trường THPT Yên Hòa',
    audience: { staff: true, youthStaffOnly: true },
    trainerUserId: users.taphuan,
    periods: 4,
    status: statusOn(clusterDate),
    createdBy: users['so.canbo'],
  });
  if (statusOn(clusterDate) === 'done') {
    markAll(
      cluster,
      Object.values(org.schools).map((s) => ({
        schoolId: s.id,
        personId: s.youthLeader.id,
        kind: 'staff' as const,
        markedBy: users.taphuan,
      })),
    );
  }

  buildUpcomingSessions(org, users, planner, clock, busy, busyKey, addSession);
}

/**
 * Sessions in the two weeks after the demo is loaded, so that home pages and the attendance screen have something
 * to show whatever the date. They stay inside the school year: in the summer holidays they are the first days of
 * the coming year, and at the end of May only those that still fit before 31 May are planned. Each goes on a day
 * its school has nothing else planned.
 */
function buildUpcomingSessions(
  org: DemoOrg,
  users: DemoUserIds,
  planner: Record<SchoolKey, string>,
  clock: DemoClock,
  busy: ReadonlySet<string>,
  busyKey: (schoolId: string, date: LocalDate) => string,
  addSession: (spec: SessionSpec) => unknown,
): void {
  const { year } = clock;
  const from = laterDate(clock.today, addDays(year.startDate, -1));
  const freeSchoolDay = (school: DemoSchool, date: LocalDate): LocalDate => {
    let d = schoolDayFrom(date);
    while (busy.has(busyKey(school.id, d))) d = schoolDayFrom(addDays(d, 1));
    return d;
  };
  const freeSaturday = (school: DemoSchool, date: LocalDate): LocalDate => {
    let d = saturdayFrom(date);
    while (busy.has(busyKey(school.id, d))) d = saturdayFrom(addDays(d, 1));
    return d;
  };
  const plan = (spec: SessionSpec): void => {
    if (spec.date <= year.endDate) addSession(spec);
  };

  const { dichvong, nguyentrai, yenhoa } = org.schools;
  const studentTalk: Record<SchoolKey, { title: string; grades: number[]; dayOffset: number }> = {
    dichvong: {
      title: 'Tuyên truyền phòng, chống xâm hại trẻ em và bạo lực học đường',
      grades: [3, 4, 5],
      dayOffset: 1,
    },
    nguyentrai: {
      title: 'Tuyên truyền phòng, chống bạo lực học đường và an toàn trên không gian mạng',
      grades: [6, 7],
      dayOffset: 1,
    },
    yenhoa: {
      title: 'Tuyên truyền pháp luật về phòng, chống ma túy và tác hại của thuốc lá điện tử',
      grades: [10, 11, 12],
      dayOffset: 2,
    },
  };
  for (const school of [dichvong, nguyentrai, yenhoa]) {
    const key = school.def.key;
    const talk = studentTalk[key];
    plan({
      school,
      scopeUnitId: school.id,
      activity: 'legal_education',
      title: talk.title,
      date: freeSchoolDay(school, addDays(from, talk.dayOffset)),
      from: '07:30',
      to: '08:15',
      place: 'Sân trường',
      audience: { grades: talk.grades },
      facilitatorPersonId: school.youthLeader.id,
      status: 'planned',
      createdBy: planner[key],
    });
    plan({
      school,
      scopeUnitId: school.id,
      activity: 'drill',
      scenarioCode: NEXT_DRILL[key],
      title: DRILL_TITLES[NEXT_DRILL[key]],
      date: freeSchoolDay(school, addDays(from, 6)),
      from: '08:00',
      to: '09:30',
      place: 'Toàn trường; điểm tập kết: sân trường',
      audience: { grades: school.def.grades, staff: true },
      facilitatorPersonId: school.vicePrincipals[0]?.id ?? school.principal.id,
      status: 'planned',
      createdBy: planner[key],
    });
    plan({
      school,
      scopeUnitId: school.id,
      activity: 'parent_outreach',
      title: 'Tuyên truyền cho cha mẹ học sinh: giữ an toàn cho con trên không gian mạng và khi tham gia giao thông',
      date: freeSaturday(school, addDays(from, 7)),
      from: '08:00',
      to: '09:30',
      place: 'Các phòng học',
      audience: { parents: true },
      facilitatorPersonId: school.principal.id,
      status: 'planned',
      createdBy: planner[key],
    });
  }

  plan({
    school: yenhoa,
    scopeUnitId: yenhoa.id,
    activity: 'staff_training',
    title: 'Tập huấn sơ cứu, cấp cứu ban đầu cho cán bộ, giáo viên, nhân viên',
    date: freeSchoolDay(yenhoa, addDays(from, 4)),
    from: '14:00',
    to: '16:30',
    place: 'Phòng hội đồng',
    audience: { staff: true },
    trainerUserId: users.taphuan,
    periods: 3,
    status: 'planned',
    createdBy: users['so.canbo'],
  });

  plan({
    school: null,
    scopeUnitId: org.communeIds.caugiay,
    activity: 'legal_education',
    title:
      'Hội nghị tuyên truyền pháp luật về phòng, chống ma túy và bạo lực học đường ' +
      'cho cán bộ, giáo viên các trường trên địa bàn phường',
    date: schoolDayFrom(addDays(from, 8)),
    from: '14:00',
    to: '16:30',
    place: 'Hội trường UBND phường Cầu Giấy',
    audience: { staff: true },
    status: 'planned',
    createdBy: users['phuong.caugiay'],
  });
}

/**
 * The ATGT commitments of September: nearly everyone signs on paper by the due date, a few late, a few not yet,
 * so that the coverage screens have names to list; a signature dated after the demo's moment has not happened yet.
 * Primary pupils' own commitment is signed by their parent. Parents of TH/THCS pupils commit to helmets, parents of
 * THPT students not to hand a motorbike to an under-age child.
 */
function buildCommitments(
  rng: DemoRandom,
  rows: DemoRows,
  org: DemoOrg,
  school: DemoSchool,
  from: LocalDate,
  clock: DemoClock,
): void {
  const due = clock.year.commitmentDueDate;
  const signedAt = (): string | null => {
    const roll = rng.next();
    if (roll < 0.04) return null;
    const onTime = roll < 0.93;
    const first = onTime ? from : addDays(due, 1);
    const span = onTime ? daysBetween(from, due) - 1 : 10;
    const date = schoolDayFrom(addDays(first, rng.int(0, span)));
    const at = atHanoi(date, `${String(rng.int(7, 16)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`);
    return at <= clock.nowIso ? at : null;
  };
  const push = (personId: string, kind: string, signedBy: 'self' | 'parent', signerPersonId: string | null) => {
    const at = signedAt();
    if (!at) return;
    rows.commitments.push({
      id: newId(),
      school_id: school.id,
      school_year_id: org.schoolYearId,
      person_id: personId,
      kind,
      signed_by: signedBy,
      signer_person_id: signerPersonId,
      method: 'paper',
      signature_hash: null,
      signed_at: at,
      device_id: null,
      stream: school.id,
      version: UNVERSIONED,
    });
  };
  // Recorded on each pupil, as `commitmentKindsFor` asks (the coverage indicator counts them per pupil): the parent's
  // commitment signed by the parent, and the pupil's own, which a parent signs on behalf of primary pupils.
  const pupilsSignThemselves = school.def.level !== 'th';
  for (const s of school.students) {
    for (const kind of commitmentKindsFor(school.def.level, { kind: 'student' })) {
      if (kind !== 'student_traffic') push(s.id, kind, 'parent', s.parentId);
      else if (pupilsSignThemselves) push(s.id, kind, 'self', null);
      else push(s.id, kind, 'parent', s.parentId);
    }
  }
}

function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
