"""What each notice says, in Chinese: one template per kind, filled in from its params."""
from __future__ import annotations

TEMPLATES = {
    "claim.claimed": "您已认领心愿「{title}」，请在{due_on}前帮助实现，完成后在我的认领上报。",
    "liaison.claimed": "{community_name}的心愿「{title}」已被认领，应在{due_on}前完成。",
    "claim.released": "社区联络员取消了您对心愿「{title}」的认领（{reason}），感谢您的参与。",
    "liaison.released": "{community_name}的心愿「{title}」认领人已放弃（{reason}），心愿重新回到心愿墙。",
    "claim.reminder": "您认领的心愿「{title}」还有{days_left}天到期（{due_on}），请按时帮助实现。",
    "claim.due_today": "您认领的心愿「{title}」今天（{due_on}）到期，请尽快完成并上报。",
    "claim.overdue_released": "您认领的心愿「{title}」已超过完成期限（{due_on}），系统已取消认领，"
                              "心愿重新回到心愿墙。",
    "liaison.overdue_released": "{community_name}的心愿「{title}」认领超期（{due_on}）未完成，"
                                "已自动取消认领并重新上墙，请关注。",
    "liaison.fulfilled": "{community_name}的心愿「{title}」认领人已上报完成，请核实后确认。",
    "claim.confirmed": "您帮助实现的心愿「{title}」已确认完成，感谢您的爱心！",
    "claim.points": "您帮助实现的心愿「{title}」为您记{points}分，累计{total}分。",
    "claim.points_reversed": "心愿「{title}」的积分经核实冲正，扣减{points}分，累计{total}分。",
    "honour.granted": "您{year}年度积分已达{points}分，获得“{title}”荣誉，将按程序审核发文。",
    "honour.revoked": "因积分经核实调整（现为{points}分），您{year}年度的“{title}”荣誉已撤销"
                      "（{notice}）。",
    "claim.disputed": "您上报完成的心愿「{title}」未被确认：{reason}。请与社区联络员沟通后继续完成。",
    "liaison.escalated": "{community_name}的心愿「{title}」{reason}，已上报社区党组织，请指派党员或组织认领。",
    "assignment.offered": "社区党组织把心愿「{title}」指派给您，请在{hours}小时内接受或拒绝。",
    "liaison.assignment_answered": "被指派的党员{answer}：心愿「{title}」。",
    "claim.message": "社区联络员就心愿「{title}」给您留言了，请到我的认领查看。",
    "liaison.message": "{community_name}的心愿「{title}」的认领人给您留言了，请到认领跟踪查看。",
    "handover.offered": "{from_name}想把认领的心愿「{title}」转交给您，请在{hours}小时内接受或拒绝。",
    "handover.accepted": "{to_name}已接受您转交的心愿「{title}」。",
    "handover.declined": "{to_name}没有接受您转交的心愿「{title}」，认领仍由您负责。",
    "handover.lapsed": "您转交的心愿「{title}」无人接受，邀请已失效，认领仍由您负责。",
    "handover.reassigned_to": "社区联络员把心愿「{title}」交给您完成，请按时帮助实现。",
    "handover.reassigned_from": "社区联络员已把心愿「{title}」改由其他党员完成，感谢您的参与。",
}


def render(kind: str, params: dict) -> str:
    """The notice's text (a kind nobody wrote a template for says so, not nothing)."""
    template = TEMPLATES.get(kind)
    return template.format(**params) if template else f"[{kind}]"
