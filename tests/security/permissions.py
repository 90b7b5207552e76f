"""Who may use each route: the permission matrix's expectations (docs/permissions.md).

One entry per route: the namespaced URL name of a page, ``METHOD /api/v1/path`` of an API
operation, or a pattern ending in ``*``. Each says who gets in, as a rule written from the
product's declared policy — the apps' ``permissions_for_role`` functions and docs/ — never
from what the code happens to do; the test expands it to the 24 role personas and anonymous
(tests/security/matrix_world.py). ``.of("owner")`` limits a rule to members of the object's
organisation by that relation. A route added without an entry fails
test_every_route_has_an_expectation.

"In" means the request passed the access check: a page or its form (also with errors), a
validation error (400/422) or a state conflict (409) for an empty write. "Out" is 401, 403,
404 or the log-in page.
"""

from __future__ import annotations

from copyguard.accounts.enums import permissions_for_role as _accounts
from copyguard.enforcement.enums import permissions_for_role as _enforcement
from copyguard.insights.assessment.access import permissions_for_role as _assessment
from copyguard.insights.enums import permissions_for_role as _insights
from copyguard.insights.typical.enums import permissions_for_role as _typical
from copyguard.monitoring.enums import permissions_for_role as _monitoring
from copyguard.services.awards.access import permissions_for_role as _awards
from copyguard.services.checkups.enums import permissions_for_role as _checkups
from copyguard.services.enums import permissions_for_role as _services
from copyguard.services.funds.enums import permissions_for_role as _funds
from copyguard.services.publicity.enums import permissions_for_role as _publicity
from tests.security.matrix_rules import LISTED, NOBODY, PUBLIC, SIGNED_IN, Entry, granted, roles

E = Entry

# --- the roles, from the declared policy -------------------------------------------------------
# accounts: every member sees the organisation; its managers (supervisor, owner) run it.
MEMBER = granted(lambda k, r: _accounts(r), "accounts.view_organisation")
MANAGER = granted(lambda k, r: _accounts(r), "accounts.manage_members")
# works (docs/works.md): rights holders register their works, owner and staff write, the
# viewer reads; registrars of an administration examine the registrations sent to it.
HOLDER = roles("rights_holder")
HOLDER_WRITER = roles("rights_holder:owner", "rights_holder:staff")
REGISTRAR = roles("administration:registrar")
# monitoring
MON_VIEW = granted(_monitoring, "monitoring.view")
MON_SOURCES = granted(_monitoring, "monitoring.manage_sources")
MON_REVIEW = granted(_monitoring, "monitoring.review_hits")
MON_CAPTURE = granted(_monitoring, "monitoring.capture_evidence")
MON_WATCH = granted(_monitoring, "monitoring.manage_watchlist")
MON_SCAN = granted(_monitoring, "monitoring.scan")
# enforcement
ENF_VIEW = granted(_enforcement, "enforcement.view")
ENF_SEND = granted(_enforcement, "enforcement.send_notices")
ENF_HANDLE = granted(_enforcement, "enforcement.handle_notices")
# A sent notice, and its counter-notices, are read by the sender's members and the receiving
# platform's (copyguard/enforcement/access/notices.py, counter.py).
NOTICE_READ = ENF_VIEW.of("owner") | ENF_VIEW.of("platform")
ENF_TRIAGE = granted(_enforcement, "enforcement.triage_tip_offs")
ENF_CASES = granted(_enforcement, "enforcement.manage_cases")
ENF_DECIDE = granted(_enforcement, "enforcement.decide")
ENF_RECEIVE = granted(_enforcement, "enforcement.receive_transfers")
ENF_COOPERATE = granted(_enforcement, "enforcement.cooperate")
ENF_CAMPAIGNS = granted(_enforcement, "enforcement.manage_campaigns")
ENF_THRESHOLDS = granted(_enforcement, "enforcement.manage_thresholds")
# insights
INS_VIEW = granted(_insights, "insights.view")
INS_PUBLISH = granted(_insights, "insights.publish")
TYP_VIEW = granted(_typical, "typical.view")
TYP_PROPOSE = granted(_typical, "typical.propose")
TYP_EDIT = granted(_typical, "typical.edit")
ASM_VIEW = granted(_assessment, "assessment.view")
ASM_MANAGE = granted(_assessment, "assessment.manage")
ASM_SUBMIT = granted(_assessment, "assessment.submit")
# services
SRV_VIEW = granted(_services, "services.view")
SRV_SUBMIT = granted(_services, "services.submit")
SRV_HANDLE = granted(_services, "services.handle")
SRV_ASSIGN = granted(_services, "services.assign")
SRV_ROUTING = granted(_services, "services.manage_routing")
CHK_VIEW = granted(_checkups, "checkups.view", "checkups.review")
CHK_FILL = granted(_checkups, "checkups.fill")
CHK_COMMENT = granted(_checkups, "checkups.comment")
PUB_VIEW = granted(_publicity, "publicity.view")
PUB_EDIT = granted(_publicity, "publicity.edit")
PUB_PUBLISH = granted(_publicity, "publicity.publish")
FND_VIEW = granted(_funds, "funds.view")
FND_MANAGE = granted(_funds, "funds.manage")
FND_APPLY = granted(_funds, "funds.apply")
AWD_VIEW = granted(_awards, "awards.view")
AWD_MANAGE = granted(_awards, "awards.manage")
AWD_NOMINATE = granted(_awards, "awards.nominate")

# Combinations used by several routes (each from the docs named).
ADMIN = roles("administration")
# docs/certificates.md, docs/ownership.md: the registering administration's registrars and
# supervisors decide; its other members read.
REG_OR_SUPERVISOR = roles("administration:registrar", "administration:supervisor")
WORK_READ = HOLDER.of("owner") | REGISTRAR.of("examiner")
CERT_READ = HOLDER.of("owner") | ADMIN.of("examiner")
# docs/monitoring.md: an administration sees the hits on works registered with it.
HIT_READ = MON_VIEW.of("owner") | MON_VIEW.within("administration").of("examiner")
HIT_REVIEW = MON_REVIEW.of("owner") | MON_REVIEW.within("administration").of("examiner")
HIT_CAPTURE = MON_CAPTURE.of("owner") | MON_CAPTURE.within("administration").of("examiner")
# docs/enforcement/cases.md, transfers.md: the handling administration, the complainant,
# agencies a transfer reached, the procuratorate of the region once at early warning.
CASE_READ = (
    ENF_VIEW.of("owner")
    | ENF_VIEW.of("complainant")
    | ENF_VIEW.of("receiver")
    | ENF_VIEW.of("region_procuratorate")
)
# docs/enforcement/cooperation.md: the members of its two bureaus.
COOP_READ = ENF_VIEW.of("owner") | ENF_VIEW.of("partner")
COOP_ACT = ENF_COOPERATE.of("owner") | ENF_COOPERATE.of("partner")

# docs/services/requests.md: the enterprise's members and the receiving station's (or the
# administration serving as one) read; the enterprise's owner and staff and the station's
# handlers act.
REQ_READ = SRV_VIEW.of("enterprise") | SRV_VIEW.of("station")
# Liaison officers answer the requests assigned to them (the demo assigns the station's to
# its liaison officer and the administration's to its registrar); the head any.
REQ_HANDLE = SRV_ASSIGN.of("station") | roles(
    "station:liaison_officer", "administration:registrar"
).of("station")
REQ_ENTERPRISE = SRV_SUBMIT.of("enterprise")
# docs/services/checkups.md: the enterprise; a submitted one also the administrations and
# stations of its region.
CHK_READ = CHK_VIEW.of("enterprise") | CHK_VIEW.within("administration", "station").of("region")
# docs/services/funds.md: the programme's administration and the applicant.
APP_READ = FND_VIEW.of("applicant") | FND_VIEW.within("administration").of("administration")
APP_ACT = FND_APPLY.of("applicant")
FND_REVIEW = granted(_funds, "funds.review")
FND_DECIDE = granted(_funds, "funds.decide")
FND_DISBURSE = granted(_funds, "funds.disburse")
# docs/services/publicity.md: the publisher's members read drafts; others get 404.
PUB_READ = PUB_VIEW.of("publisher")

A = "/api/v1"

EXPECTATIONS: dict[str, Entry] = {
    # --- public pages, the session, the platform ------------------------------------------
    "front:home": E(PUBLIC),
    "front:about": E(PUBLIC),
    "front:verify": E(PUBLIC),
    "front:verify_number": E(PUBLIC, args={"number": "440700-2026-A-00000001"}),
    "front:dashboard": E(SIGNED_IN),
    "front:switch_organisation": E(SIGNED_IN),
    "jobs:healthz": E(PUBLIC),
    "set_language": E(PUBLIC),
    "ledger:overview": E(PUBLIC),
    "ledger:sth": E(PUBLIC),
    # The Django admin is for platform staff only; no role persona is staff. Its log-in
    # page is open (it is how staff get in).
    "admin:login": E(PUBLIC),
    "admin:logout": E(PUBLIC, note="logs out whoever posts to it"),
    "admin:*": E(NOBODY, few=True),
    "api:api-root": E(NOBODY, note="no page at the API's root: 404 for everyone"),
    "api:unknown": E(PUBLIC, args={"unknown": "no-such-endpoint"}),
    "api:docs-asset": E(PUBLIC, args={"name": "swagger-ui.css"}),
    "api:openapi-json": E(PUBLIC),
    "api:openapi-view": E(PUBLIC),
    # --- accounts -------------------------------------------------------------------------
    "accounts:login": E(PUBLIC),
    "accounts:logout": E(PUBLIC),
    "accounts:password_reset": E(PUBLIC),
    "accounts:password_reset_done": E(PUBLIC),
    "accounts:password_reset_confirm": E(PUBLIC, args={"uidb64": "MQ", "token": "no-such-token"}),
    "accounts:password_reset_complete": E(PUBLIC),
    "accounts:signup": E(PUBLIC),
    "accounts:signup_done": E(PUBLIC),
    "accounts:verify_email": E(PUBLIC, args={"token": "no-such-token"}),
    "accounts:resend_verification": E(PUBLIC),
    "accounts:accept_invitation": E(PUBLIC, note="a key nothing has: 404 for everyone"),
    "accounts:profile": E(SIGNED_IN),
    "accounts:password_change": E(SIGNED_IN),
    "accounts:tokens": E(SIGNED_IN),
    "accounts:token_revoke": E(NOBODY, "token", note="another user's token: only its user"),
    "accounts:organisation": E(MEMBER.of("org"), "organisation"),
    "accounts:members": E(MEMBER.of("org"), "organisation"),
    "accounts:member_role": E(MANAGER.of("org"), "membership"),
    "accounts:member_remove": E(MANAGER.of("org"), "membership"),
    "accounts:invitation_revoke": E(MANAGER.of("org"), "invitation"),
    # Managers read their organisation's audit log; the page lists nothing for the others.
    "accounts:audit": E(MANAGER),
    f"GET {A}/me": E(SIGNED_IN),
    f"GET {A}/organisations": E(SIGNED_IN),
    f"GET {A}/organisations/{{organisation_id}}": E(MEMBER.of("org"), "organisation_api"),
    f"PATCH {A}/organisations/{{organisation_id}}": E(MANAGER.of("org"), "organisation_api"),
    f"GET {A}/organisations/{{organisation_id}}/memberships": E(
        MEMBER.of("org"), "organisation_api"
    ),
    f"PATCH {A}/memberships/{{membership_id}}": E(MANAGER.of("org"), "membership_api"),
    f"DELETE {A}/memberships/{{membership_id}}": E(MANAGER.of("org"), "membership_api"),
    f"GET {A}/organisations/{{organisation_id}}/invitations": E(
        MANAGER.of("org"), "organisation_api"
    ),
    f"POST {A}/organisations/{{organisation_id}}/invitations": E(
        MANAGER.of("org"), "organisation_api"
    ),
    f"DELETE {A}/invitations/{{invitation_id}}": E(MANAGER.of("org"), "invitation_api"),
    f"GET {A}/me/tokens": E(SIGNED_IN),
    f"POST {A}/me/tokens": E(SIGNED_IN),
    f"DELETE {A}/me/tokens/{{token_id}}": E(NOBODY, "token"),
    # --- the ledger: public and verifiable by anyone --------------------------------------
    f"GET {A}/ledger/sth": E(PUBLIC),
    f"GET {A}/ledger/entries": E(PUBLIC),
    f"GET {A}/ledger/entries/{{index}}": E(PUBLIC, args={"index": 0}),
    f"GET {A}/ledger/consistency": E(PUBLIC),
    f"GET {A}/ledger/public-key": E(PUBLIC),
    # --- works: registration, certificates, ownership (docs/works.md, docs/ownership.md) ---
    "works:list": E(HOLDER),
    "works:create": E(HOLDER_WRITER),
    "works:work": E(WORK_READ, "work"),
    "works:edit": E(HOLDER_WRITER.of("owner"), "work"),
    "works:upload": E(HOLDER_WRITER.of("owner"), "work"),
    "works:file_remove": E(HOLDER_WRITER.of("owner"), "work_file"),
    "works:software": E(WORK_READ, "work", note="GET reads; posting needs owner or staff"),
    "works:start_again": E(HOLDER_WRITER.of("owner"), "work"),
    "works:submit": E(HOLDER_WRITER.of("owner"), "registration"),
    "works:check": E(WORK_READ, "registration"),
    "works:queue": E(
        ADMIN, note="registrars; the administration's other members see what it has taken"
    ),
    "works:examination": E(ADMIN.of("examiner"), "registration"),
    "works:take": E(REGISTRAR.of("examiner"), "registration"),
    "works:decide": E(REGISTRAR.of("examiner"), "registration", {"decision": "approve"}),
    "works:conflict": E(
        REGISTRAR, "conflict", note="its registration is not taken yet: every registrar"
    ),
    "works:conflict_resolve": E(REGISTRAR, "conflict"),
    "certificates:registration": E(CERT_READ, "registration"),
    "certificates:issue": E(REG_OR_SUPERVISOR.of("examiner"), "registration"),
    "certificates:reissue": E(REG_OR_SUPERVISOR.of("examiner"), "registration"),
    "certificates:revoke": E(REG_OR_SUPERVISOR.of("examiner"), "certificate"),
    "certificates:pdf": E(CERT_READ, "certificate"),
    "certificates:bundle": E(CERT_READ, "certificate"),
    "ownership:index": E(LISTED),
    "ownership:registration": E(
        HOLDER.of("owner") | REG_OR_SUPERVISOR.of("examiner"), "registration"
    ),
    "ownership:apply": E(HOLDER_WRITER.of("owner"), "registration", {"kind": "licence"}),
    "ownership:record": E(
        HOLDER.of("owner") | HOLDER.of("counterparty") | REG_OR_SUPERVISOR.of("examiner"),
        "ownership",
    ),
    "ownership:approve": E(REG_OR_SUPERVISOR.of("examiner"), "ownership"),
    "ownership:reject": E(REG_OR_SUPERVISOR.of("examiner"), "ownership"),
    "ownership:withdraw": E(HOLDER_WRITER.of("owner"), "ownership"),
    "ownership:release": E(HOLDER_WRITER.of("owner"), "ownership"),
    # --- monitoring (docs/monitoring.md; monitoring.enums.permissions_for_role) ---------------
    "monitoring:home": E(PUBLIC, note="a redirect to the sources page"),
    "monitoring:sources": E(LISTED),
    "monitoring:source_kinds": E(MON_SOURCES),
    "monitoring:source_create": E(MON_SOURCES, args={"kind": "site"}),
    "monitoring:source": E(MON_VIEW.of("owner"), "source"),
    "monitoring:source_edit": E(MON_SOURCES.of("owner"), "source"),
    "monitoring:source_start": E(MON_SOURCES.of("owner"), "source"),
    "monitoring:run": E(MON_VIEW.of("owner"), "run"),
    "monitoring:run_status": E(MON_VIEW.of("owner"), "run"),
    "monitoring:run_cancel": E(MON_SOURCES.of("owner"), "run"),
    "monitoring:queue": E(LISTED),
    "monitoring:hit": E(HIT_READ, "hit"),
    "monitoring:evidence_capture": E(HIT_CAPTURE, "hit"),
    "monitoring:hit_recheck": E(HIT_REVIEW, "hit"),
    "monitoring:hit_decide": E(HIT_REVIEW, "hit", {"decision": "confirm"}),
    "monitoring:evidence_download": E(HIT_READ, "evidence"),
    "monitoring:allow_list": E(
        MON_VIEW.within("rights_holder"), note="an allow-list is a rights holder's"
    ),
    "monitoring:allow_list_remove": E(MON_REVIEW.of("owner"), "allow_entry"),
    "monitoring:watchlist": E(MON_VIEW, note="the key works; an administration marks them"),
    "monitoring:key_work_end": E(MON_WATCH.of("owner"), "key_work"),
    "monitoring:notifications": E(SIGNED_IN),
    "monitoring:notifications_read": E(SIGNED_IN),
    "monitoring:notification_read": E(NOBODY, "notification", note="another user's notification"),
    # --- enforcement (docs/enforcement.md; enforcement.enums.permissions_for_role) ------------
    "enforcement:notices": E(LISTED),
    "enforcement:notice_new": E(ENF_SEND),
    "enforcement:notice": E(NOTICE_READ, "notice"),
    "enforcement:notice_edit": E(ENF_SEND.of("owner"), "notice"),
    "enforcement:notice_add_items": E(ENF_SEND.of("owner"), "notice"),
    "enforcement:notice_remove_item": E(ENF_SEND.of("owner"), "notice_item"),
    "enforcement:notice_check": E(ENF_SEND.of("owner"), "notice_item"),
    "enforcement:notice_send": E(ENF_SEND.of("owner"), "notice"),
    "enforcement:notice_withdraw": E(ENF_SEND.of("owner"), "notice"),
    "enforcement:notice_retry_delivery": E(
        ENF_SEND.of("owner"),
        "delivery",
        partial=True,
        note="only e-mail deliveries are retried: the notice's, to a platform in copyguard, "
        "gets those let in a 404",
    ),
    "enforcement:notice_pdf": E(NOTICE_READ, "notice"),
    "enforcement:platform_queue": E(LISTED),
    "enforcement:platform_notice": E(NOTICE_READ, "notice"),
    "enforcement:platform_answer": E(ENF_HANDLE.of("platform"), "notice_item"),
    "enforcement:counter_notices": E(ENF_VIEW),
    "enforcement:counter_notice": E(NOTICE_READ, "counter"),
    "enforcement:counter_notice_pdf": E(NOTICE_READ, "counter"),
    "enforcement:counter_notice_restore": E(ENF_HANDLE.of("platform"), "counter"),
    "enforcement:counter_notice_withdraw": E(ENF_HANDLE.of("platform"), "counter"),
    "enforcement:counter_notice_action_filed": E(ENF_SEND.of("owner"), "counter"),
    "enforcement:counter_notice_new": E(ENF_HANDLE.of("platform"), "notice"),
    "enforcement:deadlines": E(ENF_VIEW),
    # The public reports a tip-off and follows it with its receipt code.
    "enforcement:report": E(PUBLIC),
    "enforcement:report_status": E(PUBLIC),
    "enforcement:tipoffs": E(ENF_VIEW.within("administration")),
    "enforcement:tipoff": E(ENF_VIEW.within("administration").of("owner"), "tipoff"),
    "enforcement:tipoff_file": E(ENF_TRIAGE.of("owner"), "tipoff_file"),
    "enforcement:tipoff_decide": E(ENF_TRIAGE.of("owner"), "tipoff", {"decision": "dismiss"}),
    "enforcement:cases": E(LISTED),
    "enforcement:case_new": E(ENF_CASES),
    "enforcement:case": E(ENF_VIEW.of("owner"), "case"),
    "enforcement:case_do": E(ENF_CASES.of("owner"), "case", {"what": "fact"}),
    "enforcement:case_document": E(CASE_READ, "case_document"),
    "enforcement:thresholds": E(ENF_VIEW),
    "enforcement:threshold_new": E(ENF_THRESHOLDS),
    "enforcement:threshold": E(ENF_VIEW, "threshold"),
    "enforcement:transfers": E(LISTED),
    "enforcement:transfer": E(CASE_READ, "transfer"),
    "enforcement:transfer_document": E(ENF_VIEW.of("owner") | ENF_VIEW.of("receiver")),
    "enforcement:transfer_evidence": E(ENF_VIEW.of("owner") | ENF_VIEW.of("receiver")),
    "enforcement:transfer_step": E(ENF_RECEIVE.of("receiver"), "transfer", {"step": "accept"}),
    "enforcement:transfer_propose": E(ENF_CASES.of("owner"), "case_id"),
    "enforcement:supervision": E(roles("procuratorate")),
    "enforcement:supervision_ask": E(
        roles("procuratorate:supervisor", "procuratorate:prosecutor").of("region_procuratorate"),
        "case_transferred",
    ),
    "enforcement:supervision_answer": E(ENF_CASES.of("owner"), "case_transferred"),
    "enforcement:cooperation": E(ENF_VIEW),
    "enforcement:cooperation_new": E(ENF_COOPERATE),
    "enforcement:cooperation_request": E(COOP_READ, "cooperation"),
    "enforcement:cooperation_step": E(COOP_ACT, "cooperation", {"step": "answer"}),
    "enforcement:campaigns": E(ENF_VIEW),
    "enforcement:campaign_new": E(ENF_CAMPAIGNS),
    "enforcement:campaign": E(ENF_VIEW.within("administration").of("owner"), "campaign"),
    "enforcement:campaign_edit": E(ENF_CAMPAIGNS.of("owner"), "campaign"),
    "enforcement:campaign_status": E(ENF_CAMPAIGNS.of("owner"), "campaign", {"what": "close"}),
    "enforcement:campaign_case": E(ENF_CAMPAIGNS.of("owner"), "campaign", {"what": "attach"}),
    "enforcement:campaign_notice": E(ENF_CAMPAIGNS.of("owner"), "campaign", {"what": "attach"}),
    "enforcement:campaign_closure": E(ENF_CAMPAIGNS.of("owner"), "campaign"),
    "enforcement:campaign_closure_delete": E(ENF_CAMPAIGNS.of("owner"), "closure"),
    "enforcement:campaign_export": E(ENF_VIEW.within("administration").of("owner"), "campaign"),
    # --- insights (docs/insights/) ------------------------------------------------------------
    "insights:dashboard": E(INS_VIEW),
    "insights:export": E(INS_VIEW, args={"key": "all", "fmt": "xlsx"}),
    # The statistics report renders a PDF (seconds each): tried with fewer personas.
    "insights:report": E(INS_VIEW, few=True),
    "insights:publish": E(INS_PUBLISH),
    "insights:publications": E(INS_VIEW),
    "insights:withdraw": E(INS_PUBLISH),
    "insights:public": E(PUBLIC),
    "insights:public_detail": E(PUBLIC),
    "typical:public": E(PUBLIC),
    "typical:public_detail": E(PUBLIC, "typical"),
    "typical:manage": E(TYP_VIEW),
    "typical:propose": E(TYP_PROPOSE),
    "typical:manage_detail": E(TYP_VIEW.of("owner"), "typical"),
    "typical:action": E(TYP_EDIT.of("owner"), "typical", {"what": "approve"}),
    "typical:term_action": E(TYP_EDIT),
    "assessment:index": E(LISTED),
    "assessment:system_import": E(
        NOBODY, note="the province's managers only; the home administration is a city"
    ),
    "assessment:system": E(ASM_VIEW),
    "assessment:system_export": E(ASM_VIEW),
    "assessment:system_action": E(ASM_MANAGE),
    "assessment:indicator_edit": E(ASM_MANAGE),
    "assessment:populations": E(LISTED),
    "assessment:round_open": E(
        NOBODY, note="the province's managers only; the home administration is a city"
    ),
    "assessment:round": E(ASM_VIEW),
    "assessment:submit": E(ASM_SUBMIT),
    "assessment:report": E(
        ASM_VIEW.of("city"),
        "city_report",
        note="docs/insights/assessment.md: a city its own report, never another's",
    ),
    "assessment:report_pdf": E(ASM_VIEW.of("city"), "city_report"),
    "assessment:round_action": E(ASM_MANAGE),
    "assessment:review": E(ASM_MANAGE),
    "assessment:document": E(ASM_VIEW),
    "assessment:history": E(ASM_VIEW.of("city"), "city"),
    # --- services (docs/services/) ------------------------------------------------------------
    "services:workload": E(SRV_VIEW.within("station", "administration")),
    "services:routing": E(SRV_VIEW.within("station", "administration")),
    "services:routing_deactivate": E(SRV_ROUTING.of("station"), "routing_rule"),
    "services:requests": E(SRV_VIEW),
    "services:new": E(SRV_SUBMIT),
    "services:request": E(REQ_READ, "request"),
    "services:file": E(REQ_READ, "request", note="no attachment in the demo: 404 for all let in"),
    "services:step": E(REQ_HANDLE | REQ_ENTERPRISE, "request", {"step": "message"}),
    "checkups:list": E(LISTED),
    "checkups:start": E(
        SIGNED_IN,
        note="a refusal is a redirect with a message: who may start is checked by the enterprise chosen",
    ),
    "checkups:checkup": E(CHK_READ, "checkup_submitted"),
    "checkups:save": E(CHK_FILL.of("enterprise"), "checkup_draft"),
    "checkups:pdf": E(CHK_READ, "checkup_submitted"),
    "checkups:comment": E(
        CHK_VIEW.of("enterprise") | CHK_READ,
        "checkup_submitted",
        note="a refusal is a redirect with a message: the body commented for is checked by commenting_organisations",
    ),
    "publicity:articles": E(PUBLIC),
    "publicity:article": E(PUBLIC, "article"),
    "publicity:attachment": E(PUBLIC, "attachment"),
    "publicity:feed": E(PUBLIC),
    "publicity:events": E(PUBLIC),
    "publicity:event": E(PUBLIC, "event"),
    "publicity:event_ics": E(PUBLIC, "event"),
    "publicity:calendar": E(PUBLIC),
    "publicity:calendar_ics": E(PUBLIC),
    "publicity:cancel": E(PUBLIC),
    "publicity:manage": E(PUB_VIEW),
    "publicity:article_new": E(PUB_EDIT),
    "publicity:article_manage": E(PUB_READ, "article"),
    "publicity:attachment_add": E(PUB_EDIT.of("publisher"), "article"),
    "publicity:attachment_manage": E(PUB_READ, "attachment"),
    "publicity:attachment_remove": E(PUB_EDIT.of("publisher"), "attachment"),
    "publicity:article_action": E(PUB_PUBLISH.of("publisher"), "article", {"what": "archive"}),
    "publicity:event_new": E(PUB_EDIT),
    "publicity:event_manage": E(PUB_READ, "event"),
    "publicity:attendance": E(PUB_EDIT.of("publisher"), "event"),
    "publicity:checkin_csv": E(PUB_READ, "event"),
    "publicity:registration_cancel": E(PUB_EDIT.of("publisher"), "event_registration"),
    "publicity:event_action": E(PUB_PUBLISH.of("publisher"), "event", {"what": "cancel"}),
    "funds:list": E(PUBLIC, note="docs/services/funds.md: the list is public"),
    "funds:programme_new": E(FND_MANAGE),
    "funds:programme": E(
        PUBLIC, "programme", note="docs/services/funds.md: an opened programme is public"
    ),
    "funds:programme_edit": E(FND_MANAGE.of("administration"), "programme"),
    "funds:programme_status": E(FND_MANAGE.of("administration"), "programme"),
    "funds:totals": E(FND_VIEW.within("administration").of("administration"), "programme"),
    "funds:apply": E(
        SIGNED_IN,
        "programme",
        note="a refusal is a redirect with a message: the enterprise applied for is checked by applicants_for",
    ),
    "funds:application": E(APP_READ, "application"),
    "funds:document": E(APP_READ, "application", {"requirement": "licence"}),
    "funds:document_upload": E(APP_ACT, "application_draft", {"requirement": "licence"}),
    "funds:document_remove": E(
        APP_ACT,
        "application_draft",
        {"requirement": "licence"},
        partial=True,
        note="the draft has no such document",
    ),
    "funds:step": E(APP_ACT, "application_draft", {"step": "submit"}),
    "awards:index": E(LISTED),
    "awards:round_create": E(
        NOBODY, note="the province's managers only; the home administration is a city"
    ),
    "awards:round": E(AWD_VIEW),
    "awards:criterion_add": E(AWD_MANAGE),
    "awards:nominate": E(AWD_NOMINATE),
    "awards:round_action": E(AWD_MANAGE),
    "awards:criterion_remove": E(AWD_MANAGE),
    "awards:nomination": E(
        AWD_VIEW.of("nominee") | AWD_VIEW.of("nominator"),
        "nomination",
        note="docs/services/model-units.md: the organiser and the nomination's own organisations",
    ),
    "awards:nomination_action": E(AWD_MANAGE),
    "awards:value_review": E(AWD_MANAGE),
    "awards:document": E(AWD_VIEW),
    "awards:public": E(PUBLIC),
    "awards:award": E(PUBLIC),
    "awards:award_revoke": E(AWD_MANAGE),
    # --- the API's other operations ----------------------------------------------------------
    f"GET {A}/works": E(LISTED),
    f"POST {A}/works": E(
        HOLDER_WRITER,
        body={
            "owner": "@own",
            "works": [
                {
                    "title": "Matrix",
                    "category": "written",
                    "files": [{"name": "a.txt", "content": "matrix"}],
                }
            ],
        },
    ),
    f"GET {A}/works/{{work_id}}": E(WORK_READ, "work"),
    f"PATCH {A}/works/{{work_id}}": E(HOLDER_WRITER.of("owner"), "work"),
    f"DELETE {A}/works/{{work_id}}": E(HOLDER_WRITER.of("owner"), "work"),
    f"POST {A}/works/{{work_id}}/files": E(HOLDER_WRITER.of("owner"), "work"),
    f"DELETE {A}/works/{{work_id}}/files/{{file_id}}": E(HOLDER_WRITER.of("owner"), "work_file"),
    f"PUT {A}/works/{{work_id}}/software": E(HOLDER_WRITER.of("owner"), "work"),
    f"POST {A}/works/{{work_id}}/software/deposit": E(HOLDER_WRITER.of("owner"), "work"),
    f"POST {A}/works/{{work_id}}/submit": E(HOLDER_WRITER.of("owner"), "work"),
    f"GET {A}/registrations": E(LISTED),
    f"GET {A}/registrations/{{registration_id}}": E(WORK_READ, "registration"),
    f"GET {A}/registrations/{{registration_id}}/conflicts": E(WORK_READ, "registration"),
    f"POST {A}/registrations/{{registration_id}}/take": E(
        REGISTRAR, "registration_submitted", note="not taken yet: every registrar"
    ),
    f"POST {A}/registrations/{{registration_id}}/return": E(
        REGISTRAR.of("examiner"), "registration"
    ),
    f"POST {A}/registrations/{{registration_id}}/reject": E(
        REGISTRAR.of("examiner"), "registration"
    ),
    f"POST {A}/registrations/{{registration_id}}/approve": E(
        REGISTRAR.of("examiner"), "registration"
    ),
    f"POST {A}/conflicts/{{conflict_id}}/resolve": E(REGISTRAR, "conflict"),
    f"GET {A}/works/jobs/{{job_id}}": E(HOLDER | REGISTRAR),
    f"GET {A}/registrations/{{number}}/verify": E(
        PUBLIC, args={"number": "440700-2026-A-00000001"}
    ),
    f"GET {A}/certificates/public-key": E(PUBLIC),
    f"GET {A}/registrations/{{registration_id}}/certificates": E(CERT_READ, "registration"),
    f"POST {A}/registrations/{{registration_id}}/certificates": E(
        REG_OR_SUPERVISOR.of("examiner"), "registration"
    ),
    f"POST {A}/registrations/{{registration_id}}/certificates/reissue": E(
        REG_OR_SUPERVISOR.of("examiner"), "registration"
    ),
    f"POST {A}/certificates/{{certificate_id}}/revoke": E(
        REG_OR_SUPERVISOR.of("examiner"), "certificate"
    ),
    f"GET {A}/certificates/{{certificate_id}}/pdf": E(CERT_READ, "certificate"),
    f"GET {A}/ownership": E(LISTED),
    f"GET {A}/registrations/{{registration_id}}/ownership": E(
        HOLDER.of("owner") | REG_OR_SUPERVISOR.of("examiner"), "registration"
    ),
    f"POST {A}/registrations/{{registration_id}}/ownership/assignments": E(
        HOLDER_WRITER.of("owner"), "registration"
    ),
    f"POST {A}/registrations/{{registration_id}}/ownership/licences": E(
        HOLDER_WRITER.of("owner"), "registration"
    ),
    f"POST {A}/registrations/{{registration_id}}/ownership/pledges": E(
        HOLDER_WRITER.of("owner"), "registration"
    ),
    f"GET {A}/ownership/{{record_id}}": E(
        HOLDER.of("owner") | HOLDER.of("counterparty") | REG_OR_SUPERVISOR.of("examiner"),
        "ownership",
    ),
    f"POST {A}/ownership/{{record_id}}/release": E(HOLDER_WRITER.of("owner"), "ownership"),
    f"POST {A}/ownership/{{record_id}}/approve": E(REG_OR_SUPERVISOR.of("examiner"), "ownership"),
    f"POST {A}/ownership/{{record_id}}/reject": E(REG_OR_SUPERVISOR.of("examiner"), "ownership"),
    f"POST {A}/ownership/{{record_id}}/withdraw": E(HOLDER_WRITER.of("owner"), "ownership"),
    f"POST {A}/scan": E(MON_SCAN, body={"url": "https://example.test/page"}),
    f"GET {A}/scan/{{scan_id}}": E(MON_SCAN.of("owner"), "scan"),
    f"GET {A}/monitoring/sources": E(LISTED),
    f"POST {A}/monitoring/sources": E(MON_SOURCES),
    f"GET {A}/monitoring/sources/{{source_id}}": E(MON_VIEW.of("owner"), "source"),
    f"PATCH {A}/monitoring/sources/{{source_id}}": E(MON_SOURCES.of("owner"), "source"),
    f"POST {A}/monitoring/sources/{{source_id}}/disable": E(MON_SOURCES.of("owner"), "source"),
    f"POST {A}/monitoring/sources/{{source_id}}/enable": E(MON_SOURCES.of("owner"), "source"),
    f"POST {A}/monitoring/sources/{{source_id}}/runs": E(MON_SOURCES.of("owner"), "source"),
    f"POST {A}/monitoring/sources/{{source_id}}/uploads": E(
        NOBODY, "source", note="the demo's sources are no upload feeds: 403 or 404 for all"
    ),
    f"GET {A}/monitoring/runs": E(LISTED),
    f"GET {A}/monitoring/runs/{{run_id}}": E(MON_VIEW.of("owner"), "run"),
    f"POST {A}/monitoring/runs/{{run_id}}/cancel": E(MON_SOURCES.of("owner"), "run"),
    f"GET {A}/monitoring/hits": E(LISTED),
    f"GET {A}/monitoring/hits/{{hit_id}}": E(HIT_READ, "hit"),
    f"POST {A}/monitoring/hits/{{hit_id}}/confirm": E(HIT_REVIEW, "hit"),
    f"POST {A}/monitoring/hits/{{hit_id}}/dismiss": E(HIT_REVIEW, "hit"),
    f"POST {A}/monitoring/hits/{{hit_id}}/license": E(
        MON_REVIEW.of("owner"), "hit", note="the rights holder licenses"
    ),
    f"POST {A}/monitoring/hits/{{hit_id}}/reopen": E(HIT_REVIEW, "hit"),
    f"POST {A}/monitoring/hits/{{hit_id}}/recheck": E(HIT_REVIEW, "hit"),
    f"GET {A}/monitoring/hits/{{hit_id}}/evidence": E(HIT_READ, "hit"),
    f"POST {A}/monitoring/hits/{{hit_id}}/evidence": E(HIT_CAPTURE, "hit"),
    f"GET {A}/monitoring/evidence/{{evidence_id}}": E(HIT_READ, "evidence"),
    f"GET {A}/monitoring/evidence/{{evidence_id}}/bundle": E(HIT_READ, "evidence"),
    f"GET {A}/monitoring/allow-list": E(LISTED),
    f"POST {A}/monitoring/allow-list": E(
        MON_REVIEW.within("rights_holder"), note="an allow-list is a rights holder's"
    ),
    f"PATCH {A}/monitoring/allow-list/{{entry_id}}": E(MON_REVIEW.of("owner"), "allow_entry"),
    f"DELETE {A}/monitoring/allow-list/{{entry_id}}": E(MON_REVIEW.of("owner"), "allow_entry"),
    f"GET {A}/monitoring/key-works": E(LISTED),
    f"POST {A}/monitoring/key-works": E(MON_WATCH),
    f"PATCH {A}/monitoring/key-works/{{key_work_id}}": E(MON_WATCH.of("owner"), "key_work"),
    f"DELETE {A}/monitoring/key-works/{{key_work_id}}": E(MON_WATCH.of("owner"), "key_work"),
    f"GET {A}/monitoring/notifications": E(LISTED),
    f"POST {A}/monitoring/notifications/{{notification_id}}/read": E(
        NOBODY, "notification", note="another user's notification"
    ),
    f"POST {A}/monitoring/notifications/read-all": E(SIGNED_IN),
    f"GET {A}/enforcement/notices": E(LISTED),
    f"POST {A}/enforcement/notices": E(ENF_SEND),
    f"GET {A}/enforcement/notices/{{notice_id}}": E(NOTICE_READ, "notice"),
    f"PATCH {A}/enforcement/notices/{{notice_id}}": E(ENF_SEND.of("owner"), "notice"),
    f"POST {A}/enforcement/notices/{{notice_id}}/items": E(ENF_SEND.of("owner"), "notice"),
    f"DELETE {A}/enforcement/notices/{{notice_id}}/items/{{item_id}}": E(
        ENF_SEND.of("owner"), "notice_item"
    ),
    f"POST {A}/enforcement/notices/{{notice_id}}/send": E(ENF_SEND.of("owner"), "notice"),
    f"POST {A}/enforcement/notices/{{notice_id}}/withdraw": E(ENF_SEND.of("owner"), "notice"),
    f"POST {A}/enforcement/notices/{{notice_id}}/items/{{item_id}}/check": E(
        ENF_SEND.of("owner"), "notice_item"
    ),
    f"GET {A}/enforcement/notices/{{notice_id}}/pdf": E(NOTICE_READ, "notice"),
    f"GET {A}/enforcement/takedown-times": E(LISTED),
    f"GET {A}/enforcement/platform/notices": E(LISTED),
    f"GET {A}/enforcement/platform/notices/{{notice_id}}": E(NOTICE_READ, "notice"),
    f"POST {A}/enforcement/platform/notices/{{notice_id}}/items/{{item_id}}/answer": E(
        ENF_HANDLE.of("platform"), "notice_item"
    ),
    f"GET {A}/enforcement/counter-notices": E(LISTED),
    f"POST {A}/enforcement/notices/{{notice_id}}/counter-notices": E(
        ENF_HANDLE.of("platform"), "notice"
    ),
    f"GET {A}/enforcement/counter-notices/{{counter_id}}": E(NOTICE_READ, "counter"),
    f"GET {A}/enforcement/counter-notices/{{counter_id}}/pdf": E(NOTICE_READ, "counter"),
    f"POST {A}/enforcement/counter-notices/{{counter_id}}/restore": E(
        ENF_HANDLE.of("platform"), "counter"
    ),
    f"POST {A}/enforcement/counter-notices/{{counter_id}}/withdraw": E(
        ENF_HANDLE.of("platform"), "counter"
    ),
    f"POST {A}/enforcement/counter-notices/{{counter_id}}/action-filed": E(
        ENF_SEND.of("owner"), "counter"
    ),
    f"GET {A}/enforcement/deadlines": E(LISTED),
    f"GET {A}/enforcement/deadlines/{{deadline_id}}": E(ENF_VIEW),
    f"POST {A}/enforcement/tip-offs": E(
        PUBLIC, body={"administration": "@jm"}, note="the public reports a tip-off"
    ),
    f"GET {A}/enforcement/tip-offs": E(LISTED),
    f"GET {A}/enforcement/tip-offs/status": E(
        NOBODY, note="a receipt code nothing has: 404 for everyone"
    ),
    f"POST {A}/enforcement/tip-offs/status": E(
        NOBODY, note="a receipt code nothing has: 404 for everyone"
    ),
    f"GET {A}/enforcement/tip-offs/{{tip_off_id}}": E(
        ENF_VIEW.within("administration").of("owner"), "tipoff_api"
    ),
    f"GET {A}/enforcement/tip-offs/{{tip_off_id}}/files/{{file_id}}": E(
        ENF_TRIAGE.of("owner"), "tipoff_api"
    ),
    f"POST {A}/enforcement/tip-offs/{{tip_off_id}}/review": E(ENF_TRIAGE.of("owner"), "tipoff_api"),
    f"POST {A}/enforcement/tip-offs/{{tip_off_id}}/hit": E(ENF_TRIAGE.of("owner"), "tipoff_api"),
    f"POST {A}/enforcement/tip-offs/{{tip_off_id}}/case": E(ENF_TRIAGE.of("owner"), "tipoff_api"),
    f"POST {A}/enforcement/tip-offs/{{tip_off_id}}/dismiss": E(
        ENF_TRIAGE.of("owner"), "tipoff_api"
    ),
    f"GET {A}/enforcement/cases": E(LISTED),
    f"POST {A}/enforcement/cases": E(ENF_CASES, body={"administration_id": "@jm"}),
    f"GET {A}/enforcement/cases/{{case_id}}": E(CASE_READ, "case_id"),
    f"PATCH {A}/enforcement/cases/{{case_id}}": E(ENF_CASES.of("owner"), "case_id"),
    f"POST {A}/enforcement/cases/{{case_id}}/parties": E(ENF_CASES.of("owner"), "case_id"),
    f"PUT {A}/enforcement/cases/{{case_id}}/parties/{{party_id}}": E(
        ENF_CASES.of("owner"), "case_id"
    ),
    f"DELETE {A}/enforcement/cases/{{case_id}}/parties/{{party_id}}": E(
        ENF_CASES.of("owner"), "case_id"
    ),
    f"POST {A}/enforcement/cases/{{case_id}}/hits": E(ENF_CASES.of("owner"), "case_id"),
    f"DELETE {A}/enforcement/cases/{{case_id}}/hits/{{item_id}}": E(
        ENF_CASES.of("owner"), "case_id"
    ),
    f"POST {A}/enforcement/cases/{{case_id}}/works": E(ENF_CASES.of("owner"), "case_id"),
    f"DELETE {A}/enforcement/cases/{{case_id}}/works/{{item_id}}": E(
        ENF_CASES.of("owner"), "case_id"
    ),
    f"POST {A}/enforcement/cases/{{case_id}}/evidence": E(ENF_CASES.of("owner"), "case_id"),
    f"DELETE {A}/enforcement/cases/{{case_id}}/evidence/{{item_id}}": E(
        ENF_CASES.of("owner"), "case_id"
    ),
    f"PUT {A}/enforcement/cases/{{case_id}}/facts/{{measure}}": E(ENF_CASES.of("owner"), "case_id"),
    f"DELETE {A}/enforcement/cases/{{case_id}}/facts/{{measure}}": E(
        ENF_CASES.of("owner"), "case_id"
    ),
    f"GET {A}/enforcement/cases/{{case_id}}/threshold": E(CASE_READ, "case_id"),
    f"POST {A}/enforcement/cases/{{case_id}}/threshold": E(ENF_CASES.of("owner"), "case_id"),
    f"POST {A}/enforcement/cases/{{case_id}}/officers": E(ENF_CASES.of("owner"), "case_id"),
    f"DELETE {A}/enforcement/cases/{{case_id}}/officers/{{officer_id}}": E(
        ENF_CASES.of("owner"), "case_id"
    ),
    f"POST {A}/enforcement/cases/{{case_id}}/tasks": E(ENF_CASES.of("owner"), "case_id"),
    f"POST {A}/enforcement/cases/{{case_id}}/tasks/{{task_id}}/done": E(
        ENF_CASES.of("owner"), "case_id"
    ),
    f"POST {A}/enforcement/cases/{{case_id}}/tasks/{{task_id}}/cancel": E(
        ENF_CASES.of("owner"), "case_id"
    ),
    f"POST {A}/enforcement/cases/{{case_id}}/decision": E(ENF_CASES.of("owner"), "case_id"),
    f"POST {A}/enforcement/cases/{{case_id}}/decision/approve": E(
        ENF_DECIDE.of("owner"), "case_id"
    ),
    f"POST {A}/enforcement/cases/{{case_id}}/decision/reject": E(ENF_DECIDE.of("owner"), "case_id"),
    f"POST {A}/enforcement/cases/{{case_id}}/close": E(ENF_CASES.of("owner"), "case_id"),
    f"POST {A}/enforcement/cases/{{case_id}}/documents": E(ENF_CASES.of("owner"), "case_id"),
    f"GET {A}/enforcement/cases/{{case_id}}/documents/{{document_id}}": E(
        ENF_VIEW.of("owner"), "case_id"
    ),
    f"GET {A}/enforcement/cases/{{case_id}}/events": E(CASE_READ, "case_id"),
    f"GET {A}/enforcement/thresholds": E(LISTED),
    f"POST {A}/enforcement/thresholds": E(ENF_THRESHOLDS),
    f"POST {A}/enforcement/thresholds/assess": E(ENF_VIEW),
    f"GET {A}/enforcement/thresholds/{{table_id}}": E(
        ENF_VIEW, "threshold_api", note="the criminal threshold tables are published law"
    ),
    f"GET {A}/enforcement/transfers": E(LISTED),
    f"GET {A}/enforcement/transfers/{{transfer_id}}": E(CASE_READ, "transfer_api"),
    f"GET {A}/enforcement/cases/{{case_id}}/transfers": E(CASE_READ, "case_id"),
    f"POST {A}/enforcement/cases/{{case_id}}/transfers": E(ENF_CASES.of("owner"), "case_id"),
    f"POST {A}/enforcement/transfers/{{transfer_id}}/decide": E(
        ENF_DECIDE.of("owner"), "transfer_api"
    ),
    f"POST {A}/enforcement/transfers/{{transfer_id}}/send": E(
        ENF_CASES.of("owner"), "transfer_api"
    ),
    f"POST {A}/enforcement/transfers/{{transfer_id}}/accept": E(
        ENF_RECEIVE.of("receiver"), "transfer_api"
    ),
    f"POST {A}/enforcement/transfers/{{transfer_id}}/return": E(
        ENF_RECEIVE.of("receiver"), "transfer_api"
    ),
    f"POST {A}/enforcement/transfers/{{transfer_id}}/judgment": E(
        ENF_RECEIVE.of("receiver"), "transfer_api"
    ),
    f"GET {A}/enforcement/transfers/{{transfer_id}}/letter": E(CASE_READ, "transfer_api"),
    f"GET {A}/enforcement/supervision": E(LISTED),
    f"POST {A}/enforcement/supervision/{{case_id}}/request": E(
        roles("procuratorate:supervisor", "procuratorate:prosecutor").of("region_procuratorate"),
        "case_transferred",
    ),
    f"POST {A}/enforcement/supervision/{{case_id}}/answer": E(
        ENF_CASES.of("owner"), "case_transferred"
    ),
    f"GET {A}/enforcement/cooperation": E(LISTED),
    f"POST {A}/enforcement/cooperation": E(ENF_COOPERATE),
    f"GET {A}/enforcement/cooperation/counts": E(
        ENF_VIEW,
        query={"administration_id": "@own", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    ),
    f"GET {A}/enforcement/cooperation/{{cooperation_id}}": E(COOP_READ, "cooperation_api"),
    f"POST {A}/enforcement/cooperation/{{cooperation_id}}/accept": E(
        ENF_COOPERATE.of("partner"), "cooperation_api"
    ),
    f"POST {A}/enforcement/cooperation/{{cooperation_id}}/decline": E(
        ENF_COOPERATE.of("partner"), "cooperation_api"
    ),
    f"POST {A}/enforcement/cooperation/{{cooperation_id}}/answer": E(
        ENF_COOPERATE.of("partner"), "cooperation_api"
    ),
    f"POST {A}/enforcement/cooperation/{{cooperation_id}}/complete": E(
        ENF_COOPERATE.of("partner"), "cooperation_api"
    ),
    f"POST {A}/enforcement/cooperation/{{cooperation_id}}/withdraw": E(
        ENF_COOPERATE.of("owner"), "cooperation_api"
    ),
    f"POST {A}/enforcement/cooperation/{{cooperation_id}}/case": E(
        ENF_COOPERATE.of("partner"), "cooperation_api"
    ),
    f"GET {A}/enforcement/campaigns": E(LISTED),
    f"POST {A}/enforcement/campaigns": E(ENF_CAMPAIGNS, body={"administration_id": "@jm"}),
    f"GET {A}/enforcement/campaigns/{{campaign_id}}": E(
        ENF_VIEW.within("administration").of("owner"), "campaign_api"
    ),
    f"PATCH {A}/enforcement/campaigns/{{campaign_id}}": E(
        ENF_CAMPAIGNS.of("owner"), "campaign_api"
    ),
    f"POST {A}/enforcement/campaigns/{{campaign_id}}/start": E(
        ENF_CAMPAIGNS.of("owner"), "campaign_api"
    ),
    f"POST {A}/enforcement/campaigns/{{campaign_id}}/close": E(
        ENF_CAMPAIGNS.of("owner"), "campaign_api"
    ),
    f"GET {A}/enforcement/campaigns/{{campaign_id}}/tallies": E(
        ENF_VIEW.within("administration").of("owner"), "campaign_api"
    ),
    f"GET {A}/enforcement/campaigns/{{campaign_id}}/attached": E(
        ENF_VIEW.within("administration").of("owner"), "campaign_api"
    ),
    f"POST {A}/enforcement/campaigns/{{campaign_id}}/cases": E(
        ENF_CAMPAIGNS.of("owner"), "campaign_api"
    ),
    f"DELETE {A}/enforcement/campaigns/{{campaign_id}}/cases/{{case_id}}": E(
        ENF_CAMPAIGNS.of("owner"), "campaign_api"
    ),
    f"POST {A}/enforcement/campaigns/{{campaign_id}}/notices": E(
        ENF_CAMPAIGNS.of("owner"),
        "campaign_api",
        partial=True,
        note="the one notice (World.prepare) is Pearl Tide Press's, not a notice Jiangmen may attach",
    ),
    f"DELETE {A}/enforcement/campaigns/{{campaign_id}}/notices/{{notice_id}}": E(
        ENF_CAMPAIGNS.of("owner"), "campaign_api"
    ),
    f"GET {A}/enforcement/campaigns/{{campaign_id}}/closures": E(
        ENF_VIEW.within("administration").of("owner"), "campaign_api"
    ),
    f"POST {A}/enforcement/campaigns/{{campaign_id}}/closures": E(
        ENF_CAMPAIGNS.of("owner"), "campaign_api"
    ),
    f"DELETE {A}/enforcement/campaigns/{{campaign_id}}/closures/{{closure_id}}": E(
        ENF_CAMPAIGNS.of("owner"), "campaign_api"
    ),
    f"GET {A}/insights/regions": E(LISTED),
    f"GET {A}/insights/statistics": E(INS_VIEW),
    f"GET {A}/insights/exports/{{key}}": E(INS_VIEW),
    f"GET {A}/insights/report": E(INS_VIEW, few=True),
    f"GET {A}/insights/published": E(PUBLIC),
    f"POST {A}/insights/published": E(INS_PUBLISH),
    f"GET {A}/insights/published/{{publication_id}}": E(PUBLIC),
    f"GET {A}/insights/publications": E(LISTED),
    f"POST {A}/insights/published/{{publication_id}}/withdraw": E(INS_PUBLISH),
    f"GET {A}/typical-cases/published": E(PUBLIC),
    f"GET {A}/typical-cases/published/{{typical_id}}": E(PUBLIC, "typical_api"),
    f"GET {A}/typical-cases/tags": E(PUBLIC),
    f"GET {A}/typical-cases/cases": E(LISTED),
    f"POST {A}/typical-cases/cases": E(TYP_PROPOSE),
    f"GET {A}/typical-cases/proposable": E(LISTED),
    f"GET {A}/typical-cases/cases/{{typical_id}}": E(TYP_VIEW.of("owner"), "typical_api"),
    f"PATCH {A}/typical-cases/cases/{{typical_id}}": E(TYP_EDIT.of("owner"), "typical_api"),
    f"POST {A}/typical-cases/cases/{{typical_id}}/terms": E(TYP_EDIT.of("owner"), "typical_api"),
    f"DELETE {A}/typical-cases/cases/{{typical_id}}/terms/{{term_id}}": E(TYP_EDIT),
    f"POST {A}/typical-cases/cases/{{typical_id}}/terms/{{term_id}}/public": E(TYP_EDIT),
    f"POST {A}/typical-cases/cases/{{typical_id}}/terms/{{term_id}}/redacted": E(TYP_EDIT),
    f"POST {A}/typical-cases/cases/{{typical_id}}/redact": E(TYP_EDIT.of("owner"), "typical_api"),
    f"POST {A}/typical-cases/cases/{{typical_id}}/regenerate": E(
        TYP_EDIT.of("owner"), "typical_api"
    ),
    f"POST {A}/typical-cases/cases/{{typical_id}}/approve": E(TYP_EDIT.of("owner"), "typical_api"),
    f"POST {A}/typical-cases/cases/{{typical_id}}/publish": E(TYP_EDIT.of("owner"), "typical_api"),
    f"POST {A}/typical-cases/cases/{{typical_id}}/withdraw": E(TYP_EDIT.of("owner"), "typical_api"),
    f"GET {A}/assessment/systems": E(LISTED),
    f"POST {A}/assessment/systems": E(
        NOBODY, note="the province's managers only; the home administration is a city"
    ),
    f"GET {A}/assessment/systems/{{system_id}}": E(ASM_VIEW),
    f"POST {A}/assessment/systems/{{system_id}}/new-version": E(ASM_MANAGE),
    f"POST {A}/assessment/systems/{{system_id}}/activate": E(ASM_MANAGE),
    f"PATCH {A}/assessment/indicators/{{indicator_id}}": E(ASM_MANAGE),
    f"GET {A}/assessment/rounds": E(LISTED),
    f"POST {A}/assessment/rounds": E(
        NOBODY, note="the province's managers only; the home administration is a city"
    ),
    f"GET {A}/assessment/rounds/{{round_id}}": E(ASM_VIEW),
    f"POST {A}/assessment/rounds/{{round_id}}/compute": E(ASM_MANAGE),
    f"POST {A}/assessment/rounds/{{round_id}}/publish": E(ASM_MANAGE),
    f"POST {A}/assessment/rounds/{{round_id}}/system": E(ASM_MANAGE),
    f"GET {A}/assessment/rounds/{{round_id}}/cities/{{city_id}}": E(
        ASM_VIEW.of("city"), "city_report_api"
    ),
    f"GET {A}/assessment/rounds/{{round_id}}/cities/{{city_id}}/report.pdf": E(
        ASM_VIEW.of("city"), "city_report_api"
    ),
    f"GET {A}/assessment/rounds/{{round_id}}/submissions": E(ASM_VIEW),
    f"POST {A}/assessment/rounds/{{round_id}}/submissions": E(ASM_MANAGE),
    f"POST {A}/assessment/submissions/{{submission_id}}/review": E(ASM_MANAGE),
    f"POST {A}/assessment/populations": E(
        NOBODY, note="the province's managers only; the home administration is a city"
    ),
    f"GET {A}/services/requests": E(LISTED),
    f"POST {A}/services/requests": E(SRV_SUBMIT, body={"enterprise_id": "@own"}),
    f"GET {A}/services/requests/{{request_id}}": E(REQ_READ, "request_api"),
    f"GET {A}/services/requests/{{request_id}}/messages": E(REQ_READ, "request_api"),
    f"POST {A}/services/requests/{{request_id}}/messages": E(
        REQ_HANDLE | REQ_ENTERPRISE, "request_api"
    ),
    f"POST {A}/services/requests/{{request_id}}/assign": E(SRV_ASSIGN.of("station"), "request_api"),
    f"POST {A}/services/requests/{{request_id}}/close": E(
        REQ_HANDLE | REQ_ENTERPRISE, "request_api"
    ),
    f"POST {A}/services/requests/{{request_id}}/withdraw": E(REQ_ENTERPRISE, "request_api"),
    f"POST {A}/services/requests/{{request_id}}/rating": E(REQ_ENTERPRISE, "request_api"),
    f"GET {A}/services/requests/{{request_id}}/files/{{file_id}}": E(REQ_READ, "request_api"),
    f"GET {A}/services/route": E(
        SIGNED_IN, note="400 for the missing region before any access check"
    ),
    f"GET {A}/services/stations/{{station_id}}/workload": E(
        SRV_VIEW.within("station", "administration").of("station"), "station_api"
    ),
    f"GET {A}/services/routing-rules": E(LISTED),
    f"POST {A}/services/routing-rules": E(
        SRV_ROUTING, body={"region_prefix": "4407", "station_id": "@own"}
    ),
    f"POST {A}/services/routing-rules/{{rule_id}}/deactivate": E(
        SRV_ROUTING.of("station"), "routing_rule_api"
    ),
    f"GET {A}/checkups/questionnaires": E(SIGNED_IN),
    f"POST {A}/checkups/questionnaires": E(NOBODY),
    f"GET {A}/checkups/questionnaires/{{version}}": E(SIGNED_IN),
    f"GET {A}/checkups": E(LISTED),
    f"POST {A}/checkups": E(CHK_FILL),
    f"GET {A}/checkups/{{checkup_id}}": E(CHK_READ, "checkup_submitted"),
    f"PATCH {A}/checkups/{{checkup_id}}": E(CHK_FILL.of("enterprise"), "checkup_draft"),
    f"POST {A}/checkups/{{checkup_id}}/submit": E(CHK_FILL.of("enterprise"), "checkup_draft"),
    f"GET {A}/checkups/{{checkup_id}}/report": E(CHK_READ, "checkup_submitted"),
    f"GET {A}/checkups/{{checkup_id}}/report.pdf": E(CHK_READ, "checkup_submitted"),
    f"GET {A}/checkups/{{checkup_id}}/comments": E(CHK_READ, "checkup_submitted"),
    f"POST {A}/checkups/{{checkup_id}}/comments": E(CHK_COMMENT.of("region"), "checkup_submitted"),
    f"GET {A}/publicity/articles": E(PUBLIC),
    f"GET {A}/publicity/articles/{{article_id}}": E(PUBLIC, "article_api"),
    f"GET {A}/publicity/articles/{{article_id}}/files/{{file_id}}": E(PUBLIC, "attachment_api"),
    f"GET {A}/publicity/events": E(PUBLIC),
    f"GET {A}/publicity/events/{{event_id}}": E(PUBLIC, "event_api"),
    f"POST {A}/publicity/events/{{event_id}}/registrations": E(PUBLIC),
    f"POST {A}/publicity/registrations/cancel": E(
        NOBODY, note="a cancellation code nothing has: 404 for everyone"
    ),
    f"GET {A}/publicity/manage/publishers": E(LISTED),
    f"GET {A}/publicity/manage/articles": E(LISTED),
    f"POST {A}/publicity/manage/articles": E(PUB_EDIT),
    f"GET {A}/publicity/manage/articles/{{article_id}}": E(PUB_READ, "article_api"),
    f"PATCH {A}/publicity/manage/articles/{{article_id}}": E(
        PUB_EDIT.of("publisher"), "article_api"
    ),
    f"POST {A}/publicity/manage/articles/{{article_id}}/publish": E(
        PUB_PUBLISH.of("publisher"), "article_api"
    ),
    f"POST {A}/publicity/manage/articles/{{article_id}}/archive": E(
        PUB_PUBLISH.of("publisher"), "article_api"
    ),
    f"POST {A}/publicity/manage/articles/{{article_id}}/files": E(
        PUB_EDIT.of("publisher"), "article_api"
    ),
    f"GET {A}/publicity/manage/articles/{{article_id}}/files/{{file_id}}": E(
        PUB_READ, "attachment_api"
    ),
    f"DELETE {A}/publicity/manage/articles/{{article_id}}/files/{{file_id}}": E(
        PUB_EDIT.of("publisher"), "attachment_api"
    ),
    f"GET {A}/publicity/manage/events": E(LISTED),
    f"POST {A}/publicity/manage/events": E(PUB_EDIT),
    f"GET {A}/publicity/manage/events/{{event_id}}": E(PUB_READ, "event_api"),
    f"PATCH {A}/publicity/manage/events/{{event_id}}": E(PUB_EDIT.of("publisher"), "event_api"),
    f"POST {A}/publicity/manage/events/{{event_id}}/publish": E(
        PUB_PUBLISH.of("publisher"), "event_api"
    ),
    f"POST {A}/publicity/manage/events/{{event_id}}/cancel": E(
        PUB_PUBLISH.of("publisher"), "event_api"
    ),
    f"GET {A}/publicity/manage/events/{{event_id}}/registrations": E(PUB_READ, "event_api"),
    f"POST {A}/publicity/manage/events/{{event_id}}/attendance": E(
        PUB_EDIT.of("publisher"), "event_api"
    ),
    f"POST {A}/publicity/manage/events/{{event_id}}/registrations/{{registration_id}}/cancel": E(
        PUB_EDIT.of("publisher"), "event_registration_api"
    ),
    f"GET {A}/funds/programmes": E(
        PUBLIC, note="docs/services/funds.md: opened programmes are public"
    ),
    f"POST {A}/funds/programmes": E(FND_MANAGE, body={"administration_id": "@own"}),
    f"GET {A}/funds/programmes/{{programme_id}}": E(
        PUBLIC, "programme", note="docs/services/funds.md: an opened programme is public"
    ),
    f"PUT {A}/funds/programmes/{{programme_id}}": E(FND_MANAGE.of("administration"), "programme"),
    f"POST {A}/funds/programmes/{{programme_id}}/open": E(
        FND_MANAGE.of("administration"), "programme"
    ),
    f"POST {A}/funds/programmes/{{programme_id}}/close": E(
        FND_MANAGE.of("administration"), "programme"
    ),
    f"POST {A}/funds/programmes/{{programme_id}}/finish": E(
        FND_MANAGE.of("administration"), "programme"
    ),
    f"GET {A}/funds/programmes/{{programme_id}}/totals": E(
        FND_VIEW.within("administration").of("administration"), "programme"
    ),
    f"GET {A}/funds/programmes/{{programme_id}}/totals.csv": E(
        FND_VIEW.within("administration").of("administration"), "programme"
    ),
    f"GET {A}/funds/applications": E(LISTED),
    f"POST {A}/funds/applications": E(FND_APPLY),
    f"GET {A}/funds/applications/{{application_id}}": E(APP_READ, "application"),
    f"PUT {A}/funds/applications/{{application_id}}": E(APP_ACT, "application_draft"),
    f"POST {A}/funds/applications/{{application_id}}/eligibility": E(APP_ACT, "application_draft"),
    f"POST {A}/funds/applications/{{application_id}}/documents/{{requirement}}": E(
        APP_ACT, "application_draft", {"requirement": "licence"}
    ),
    f"GET {A}/funds/applications/{{application_id}}/documents/{{requirement}}": E(
        APP_READ, "application", {"requirement": "licence"}
    ),
    f"DELETE {A}/funds/applications/{{application_id}}/documents/{{requirement}}": E(
        APP_ACT,
        "application_draft",
        {"requirement": "licence"},
        partial=True,
        note="the draft has no such document",
    ),
    f"POST {A}/funds/applications/{{application_id}}/submit": E(APP_ACT, "application_draft"),
    f"POST {A}/funds/applications/{{application_id}}/withdraw": E(APP_ACT, "application_draft"),
    f"POST {A}/funds/applications/{{application_id}}/reviews": E(
        FND_REVIEW.of("administration"), "application"
    ),
    f"POST {A}/funds/applications/{{application_id}}/approve": E(
        FND_DECIDE.of("administration"), "application"
    ),
    f"POST {A}/funds/applications/{{application_id}}/reject": E(
        FND_DECIDE.of("administration"), "application"
    ),
    f"POST {A}/funds/applications/{{application_id}}/disbursements": E(
        FND_DISBURSE.of("administration"), "application"
    ),
    f"GET {A}/funds/applications/{{application_id}}/history": E(APP_READ, "application"),
    f"GET {A}/model-units/awards": E(PUBLIC),
    f"GET {A}/model-units/awards/{{award_id}}": E(PUBLIC),
    f"GET {A}/model-units/rounds": E(LISTED),
    f"GET {A}/model-units/rounds/{{round_id}}": E(AWD_VIEW),
    f"GET {A}/model-units/rounds/{{round_id}}/nominations": E(AWD_VIEW),
    f"POST {A}/model-units/rounds/{{round_id}}/evaluate": E(AWD_MANAGE),
    f"GET {A}/model-units/nominations/{{nomination_id}}": E(
        AWD_VIEW.of("nominee") | AWD_VIEW.of("nominator"), "nomination_api"
    ),
    f"POST {A}/model-units/nominations/{{nomination_id}}/values": E(AWD_MANAGE),
    f"POST {A}/model-units/nominations/{{nomination_id}}/values/{{criterion}}/review": E(
        AWD_MANAGE
    ),
    f"POST {A}/model-units/nominations/{{nomination_id}}/shortlist": E(AWD_MANAGE),
    f"POST {A}/model-units/nominations/{{nomination_id}}/decision": E(AWD_MANAGE),
    f"POST {A}/model-units/awards/{{award_id}}/revoke": E(AWD_MANAGE),
    f"POST {A}/organisations/{{organisation_id}}/works": E(
        HOLDER_WRITER.of("org"), "organisation_api"
    ),
    "admin/*": E(NOBODY, few=True),
    "jobs:metrics": E(
        NOBODY, note="for the metrics token or the allowed addresses only; neither is set: 404"
    ),
}
