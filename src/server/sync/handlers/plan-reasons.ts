/**
 * Reasons specific to the plan's mutations, in the voice of REJECTION (reasons.ts): Vietnamese first, English
 * second, as advice to the planner who sees them in the "needs attention" list.
 */
export const PLAN_REJECTION = {
  sessionExists: 'Buổi này đã có trên máy chủ (this session already exists)',
  ownerFixed: 'Không đổi được đơn vị sở hữu (the owning unit cannot be changed)',
  ownerKind: 'Chỉ Sở, phòng hoặc cụm đặt được loại hoạt động và yêu cầu (only the department, a commune office or a cluster sets these)',
  scenarioUnknown: 'scenarioCode: tình huống không thuộc loại hoạt động này (the scenario is not one of the activity type)',
} as const;
