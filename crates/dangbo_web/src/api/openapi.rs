//! The OpenAPI 3.1 document of /api/v1, kept beside the routes; a test checks that every route
//! of the router is described and nothing else is.

use axum::Json;
use serde_json::{Value, json};

fn err() -> Value {
    json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn ok(schema: Value) -> Value {
    json!({"description": "OK", "content": {"application/json": {"schema": schema}}})
}

fn q(name: &str, desc: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": desc, "schema": {"type": "string"}})
}

fn p(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

fn body(schema: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

/// The lifecycle paths: candidates, courses, to-do, rules, calendar, targets.
fn lifecycle_paths() -> Value {
    let s = json!({"type": "string"});
    let date = json!({"type": "string", "format": "date"});
    let int = json!({"type": "integer"});
    let created = ok(json!({"type": "object", "properties": {"id": s}}));
    json!({
        "/todo": {"get": {"summary": "Everything due or overdue in the caller's scope (decisions, ceremonies, expiring certificates, probation reviews), each with its rule and citation", "responses": {"200": ok(json!({"type": "object", "properties": {"today": date, "items": {"type": "array", "items": {"$ref": "#/components/schemas/TodoItem"}}}})), "401": err()}}},
        "/candidates": {
            "get": {"summary": "Candidates (quần chúng ưu tú) in scope, by given name", "parameters": [q("org", "subtree code"), q("stage", "listed|trained|dossier|branch_proposed|committee_proposed|escalated|decided|admitted|rejected|withdrawn"), q("open", "1: only those still in the pipeline"), q("q", "name search, diacritics ignored")], "responses": {"200": ok(json!({"type": "object"})), "422": err()}},
            "post": {"summary": "Put a person on a branch's list", "requestBody": body("NewCandidate"), "responses": {"201": created, "422": err(), "403": err()}}
        },
        "/candidates/{id}": {"get": {"summary": "A candidate's file: steps, certificates, stage, warnings and the deadline that runs (logged)", "parameters": [p("id")], "responses": {"200": ok(json!({"type": "object"})), "404": err()}}},
        "/candidates/{id}/steps": {"post": {"summary": "Record a step; refused with the rule and its citation when out of order, below the vote threshold, outside the age range or without a valid certificate. The ceremony opens the member record.", "parameters": [p("id")], "requestBody": body("Step"), "responses": {"201": ok(json!({"type": "object", "properties": {"id": s, "candidate_id": s, "stage": s, "member_id": {"type": ["string", "null"]}, "warnings": {"type": "array"}}})), "422": err(), "404": err()}}},
        "/courses": {
            "get": {"summary": "Courses organised in scope", "parameters": [q("kind", "awareness|new_member|secretary|theory|other"), q("year", "YYYY")], "responses": {"200": ok(json!({"type": "object"})), "422": err()}},
            "post": {"summary": "Open a course", "requestBody": body("NewCourse"), "responses": {"201": created, "422": err(), "403": err()}}
        },
        "/courses/{id}": {"get": {"summary": "A course with its enrolments", "parameters": [p("id")], "responses": {"200": ok(json!({"type": "object"})), "404": err()}}},
        "/courses/{id}/participants": {"post": {"summary": "A member's part in a course or contest: result, award (contests), certificate", "parameters": [p("id")], "requestBody": {"required": true, "description": "member, result (enrolled|passed|failed), award, certificate_no, certificate_date", "content": {"application/json": {"schema": {"type": "object"}}}}, "responses": {"201": ok(json!({"type": "object"})), "422": err(), "404": err()}}},
        "/courses/{id}/enrolments": {"post": {"summary": "Enrol a candidate or record the result and certificate", "parameters": [p("id")], "requestBody": body("Enrolment"), "responses": {"201": ok(json!({"type": "object"})), "422": err(), "404": err()}}},
        "/rules": {
            "get": {"summary": "Every version of every rule with its value, effective date and citation", "responses": {"200": ok(json!({"type": "object"}))}},
            "post": {"summary": "Add or replace a rule version (admin)", "requestBody": body("RuleVersion"), "responses": {"201": ok(json!({"type": "object"})), "422": err(), "403": err()}}
        },
        "/calendar": {
            "get": {"summary": "Holidays and make-up working days of a year", "parameters": [q("year", "YYYY, default this year")], "responses": {"200": ok(json!({"type": "object"})), "422": err()}},
            "post": {"summary": "Set a day as holiday or make-up working day, or clear it (admin)", "requestBody": body("CalendarDay"), "responses": {"201": ok(json!({"type": "object"})), "422": err(), "403": err()}}
        },
        "/orgs/{code}/targets": {
            "get": {"summary": "Admission targets and actual admissions per grassroots organisation for a year", "parameters": [p("code"), q("year", "YYYY, default this year")], "responses": {"200": ok(json!({"type": "object"})), "404": err(), "422": err()}},
            "post": {"summary": "Set (or with null clear) a grassroots organisation's target (committee staff)", "parameters": [p("code")], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["year"], "properties": {"year": int, "target": {"type": ["integer", "null"]}}}}}}, "responses": {"201": ok(json!({"type": "object"})), "422": err(), "403": err()}}
        }
    })
}

fn lifecycle_schemas() -> Value {
    let s = json!({"type": "string"});
    let date = json!({"type": "string", "format": "date"});
    json!({
        "TodoItem": {"type": "object", "properties": {"kind": {"enum": ["decision_due", "ceremony_due", "certificate_expiring", "probation_review", "badge_due", "transfer_pending", "temp_ending", "proposal_answer"]}, "subject": {"enum": ["candidate", "member", "proposal"]}, "id": s, "full_name": s, "org": s, "org_name": s, "from": date, "due": date, "overdue": {"type": "boolean"}, "rule": s, "citation": s, "confirmed": {"type": "boolean"}, "milestone": {"type": ["integer", "null"]}}},
        "NewCandidate": {"type": "object", "required": ["org", "source", "listed_on", "family_name", "given_name", "sex", "birth_date"], "properties": {"org": s, "source": {"enum": ["branch", "youth_union", "trade_union", "other"]}, "listed_on": date, "family_name": s, "middle_name": s, "given_name": s, "sex": {"enum": ["male", "female"]}, "birth_date": date, "ethnicity": s, "religion": s, "cccd": s, "home_town": s, "residence": s, "education": s, "occupation": s}},
        "Step": {"type": "object", "required": ["type", "effective_on"], "properties": {"type": {"enum": ["application", "biography", "verification", "introduction", "comments", "branch_resolution", "committee_resolution", "decision", "ceremony", "rejected", "withdrawn"]}, "effective_on": date, "doc_no": s, "introducers": {"type": "array", "items": s}, "org_resolution": s, "votes_for": s, "full_members": s, "result": {"enum": ["passed", "failed"]}, "issuer": s, "reason": s}},
        "NewCourse": {"type": "object", "required": ["org", "kind", "name", "start_date"], "properties": {"org": s, "kind": {"enum": ["awareness", "new_member", "secretary", "theory", "other"]}, "name": s, "start_date": date, "end_date": date, "provider": s}},
        "Enrolment": {"type": "object", "required": ["candidate"], "properties": {"candidate": s, "result": {"enum": ["enrolled", "passed", "failed"]}, "certificate_no": s, "certificate_date": date}},
        "RuleVersion": {"type": "object", "required": ["rule", "effective_from", "value", "citation"], "properties": {"rule": s, "effective_from": date, "value": {"type": "string", "description": "a number, a share (≥2/3, >1/2) or a list (30,40,45)"}, "citation": s, "confirmed": s}},
        "CalendarDay": {"type": "object", "required": ["day"], "properties": {"day": date, "kind": {"enum": ["holiday", "workday", ""]}, "name": s}}
    })
}

fn cadre_paths() -> Value {
    let date = json!({"type": "string", "format": "date"});
    let period = || {
        vec![
            p("code"),
            json!({"name": "from", "in": "query", "required": true, "schema": date}),
            json!({"name": "to", "in": "query", "required": true, "schema": date}),
        ]
    };
    let obj = || ok(json!({"type": "object"}));
    let moves_params = [period(), vec![q("category", "upper_to_commune|commune_to_upper|commune_to_commune|cross_sector|other")]].concat();
    let any_body = |desc: &str| json!({"required": true, "description": desc, "content": {"application/json": {"schema": {"type": "object"}}}});
    json!({
        "/positions": {"post": {"summary": "Record a position (title secretary|deputy|standing|committee_member, from_on, to_on, local 1/0 with local_reason); overlapping secretaries refused", "requestBody": any_body("org, member, title, from_on, to_on, local, local_reason, decision_no"), "responses": {"201": obj(), "422": err(), "403": err()}}},
        "/moves": {"post": {"summary": "Record a move of a leader; the category follows from the two ends", "requestBody": any_body("org, member, kind (rotation|assignment), from_unit, from_level, from_sector, to_unit, to_level, to_sector, decision_no, start_on, end_on"), "responses": {"201": obj(), "422": err(), "403": err()}}},
        "/exams": {"post": {"summary": "Record an exam session with its results (scores 0–100), all or nothing", "requestBody": any_body("org, name, held_on, level, results: [{full_name, unit, member, score, passed}]"), "responses": {"201": obj(), "422": err(), "403": err()}}},
        "/orgs/{code}/moves": {"get": {"summary": "Move matrix of a period by category, and the moves behind it", "parameters": moves_params, "responses": {"200": obj(), "404": err(), "422": err()}}},
        "/orgs/{code}/exams": {"get": {"summary": "Exam candidates (distinct persons) by level in a period", "parameters": period(), "responses": {"200": obj(), "404": err(), "422": err()}}},
        "/orgs/{code}/committee": {"get": {"summary": "The organisation's posts (secretary, deputy, standing, committee members, village head) on as_of, from the dated positions", "parameters": [p("code"), q("as_of", "YYYY-MM-DD, default today")], "responses": {"200": obj(), "404": err()}}},
        "/orgs/{code}/planning": {"get": {"summary": "A committee's planning cycles (quy hoạch): cadres planned per title, removals, and the structure (young, women, ethnic minorities) on as_of against the target shares", "parameters": [p("code"), q("as_of", "YYYY-MM-DD, default today")], "responses": {"200": obj(), "404": err()}}},
        "/planning-cycles": {"post": {"summary": "Open a planning cycle of a committee for a term", "requestBody": any_body("org, term (2025-2030), approved_on, decision_no"), "responses": {"201": obj(), "422": err(), "403": err()}}},
        "/planning-cycles/{id}/entries": {"post": {"summary": "Plan a cadre for a title; refused beyond the limits in force (per title, titles per cadre), with the rule", "parameters": [p("id")], "requestBody": any_body("member, title, added_on"), "responses": {"201": obj(), "404": err(), "422": err(), "403": err()}}},
        "/planning-entries/{id}/removal": {"post": {"summary": "Take a cadre out of the planning with the reason (age|discipline|review|appointed|other)", "parameters": [p("id")], "requestBody": any_body("reason, removed_on, note"), "responses": {"204": {"description": "done"}, "404": err(), "422": err(), "403": err()}}},
        "/orgs/{code}/locality": {"get": {"summary": "Commune-level units on a date and whether each secretary is local", "parameters": [p("code"), q("as_of", "YYYY-MM-DD, default today")], "responses": {"200": obj(), "404": err()}}}
    })
}

fn meeting_paths() -> Value {
    let date = json!({"type": "string", "format": "date"});
    let obj = || ok(json!({"type": "object"}));
    let none = || json!({"description": "done"});
    let body = |desc: &str| json!({"required": true, "description": desc, "content": {"application/json": {"schema": {"type": "object"}}}});
    let id = || vec![p("id")];
    let write = |summary: &str, fields: &str, code: &str| json!({"post": {"summary": summary, "parameters": id(), "requestBody": body(fields), "responses": {code: none(), "404": err(), "422": err(), "403": err()}}});
    json!({
        "/meetings": {
            "get": {"summary": "Meetings planned or held in the subtree of org in [from, to], each with its branch, date, kind, attendance counts, quorum and whether it met the quality criteria (HD 12-HD/BTCTW)", "parameters": [q("org", "organisation code (required)"), json!({"name": "from", "in": "query", "required": true, "schema": date}), json!({"name": "to", "in": "query", "required": true, "schema": date})], "responses": {"200": obj(), "404": err(), "422": err()}},
            "post": {"summary": "Plan a meeting of a branch", "requestBody": body("org, kind (regular|thematic|extraordinary), planned_on, starts_at (HH:MM), place, topic (thematic), agenda (one item per line), documents, save_template"), "responses": {"201": obj(), "422": err(), "403": err()}}
        },
        "/meetings/{id}": {"get": {"summary": "A meeting with its minutes: attendance, votes, tasks, proposals, corrections; minutes_pdf and kit_pdf are the printable papers", "parameters": id(), "responses": {"200": obj(), "404": err()}}},
        "/meetings/{id}/attendance": write("Record the meeting as held: every member of the branch's membership on held_on with presence present|absent_excused|absent_unexcused|exempt|attached_elsewhere", "held_on, starts_at, place, chair, secretary, prepared_on, supervisor, guests, attendance: [{member_id, presence, reason}]", "204"),
        "/meetings/{id}/votes": {"post": {"summary": "A show-of-hands vote, refused without quorum, recorded as passed or failed by the threshold of its kind; an admission vote is also the candidate's branch resolution", "parameters": id(), "requestBody": body("kind (admission|recognition|resolution), subject, candidate, member, votes_for, against, abstain, doc_no"), "responses": {"201": obj(), "404": err(), "422": err(), "403": err()}}},
        "/meetings/{id}/tasks": {"post": {"summary": "A task from the conclusions, for a member present or (empty) the branch committee", "parameters": id(), "requestBody": body("work, assignee, due_on"), "responses": {"201": obj(), "404": err(), "422": err(), "403": err()}}},
        "/meetings/{id}/proposals": {"post": {"summary": "A proposal raised at the meeting, forwarded at once when forward_to names an organisation", "parameters": id(), "requestBody": body("raised_by, content, forward_to"), "responses": {"201": obj(), "404": err(), "422": err(), "403": err()}}},
        "/meetings/{id}/minutes": write("Write the opinions and conclusions of open minutes", "opinions, conclusions", "204"),
        "/meetings/{id}/close": {"post": {"summary": "Close the minutes (chair and secretary recorded); no edits after", "parameters": id(), "responses": {"204": none(), "404": err(), "422": err(), "403": err()}}},
        "/meetings/{id}/corrections": write("A dated correction to closed minutes", "entry", "201"),
        "/tasks/{id}/done": write("Mark a task done", "done_on", "204"),
        "/proposals": {"get": {"summary": "Proposals the caller sees through the branch or as the level holding them", "parameters": [q("open", "1: leave out those reported back")], "responses": {"200": obj()}}},
        "/proposals/{id}": write("Move a proposal on: forward (forward_to, on), answer (answer, on; the holding level only) or report (meeting: a later meeting of the branch)", "action, forward_to, answer, on, meeting", "204"),
        "/supervisors": {"post": {"summary": "Assign a committee member to supervise a branch", "requestBody": body("org, member, from_on, to_on, decision_no"), "responses": {"201": obj(), "422": err(), "403": err()}}},
        "/meetings/{id}/minutes.pdf": {"get": {"summary": "The minutes as a PDF on A4 (marked DỰ THẢO until closed)", "parameters": id(), "responses": {"200": {"description": "application/pdf"}, "404": err()}}},
        "/meetings/{id}/documents": write("Record that a held meeting studied a document of the library", "document", "204"),
        "/documents": {
            "get": {"summary": "Documents kept by the caller's committees or those above (resolutions, directives, guidance)", "responses": {"200": obj()}},
            "post": {"summary": "Add a document to a committee's library", "requestBody": body("org, kind (resolution|directive|conclusion|guidance|other), number, issued_on, issuer, summary"), "responses": {"201": obj(), "422": err(), "403": err()}}
        },
        "/documents/{id}/study": {"get": {"summary": "Who under org has studied the document: members now in the register and whether each was present at a meeting that studied it", "parameters": [p("id"), q("org", "organisation code (required)")], "responses": {"200": obj(), "404": err(), "422": err()}}},
        "/assignments": {"post": {"summary": "Assign a member to an area or a topic (phân công đảng viên)", "requestBody": body("member, kind (area|topic), area, from_on, to_on"), "responses": {"201": obj(), "422": err(), "403": err()}}},
        "/members/{id}/assignments": {"get": {"summary": "A member's assignments", "parameters": id(), "responses": {"200": obj(), "404": err()}}},
        "/orgs/{code}/meeting-report": {"get": {"summary": "The year's regularity (months and quarters without a meeting), supervision coverage and quality per branch", "parameters": [p("code"), q("year", "YYYY, default this year")], "responses": {"200": obj(), "404": err(), "422": err()}}}
    })
}

/// The document itself.
pub fn spec() -> Value {
    let mut doc = base();
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), cadre_paths()) {
        paths.extend(more);
    }
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), meeting_paths()) {
        paths.extend(more);
    }
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), lifecycle_paths()) {
        paths.extend(more);
    }
    if let (Some(schemas), Value::Object(more)) = (doc["components"]["schemas"].as_object_mut(), lifecycle_schemas()) {
        schemas.extend(more);
    }
    doc
}

fn base() -> Value {
    let date = json!({"type": "string", "format": "date"});
    let s = json!({"type": "string"});
    let obj = json!({"type": "object"});
    // A breakdown's row: [value, count].
    let pair = json!({"type": "array", "description": "[value, count]", "minItems": 2, "maxItems": 2, "items": {"type": ["string", "integer"]}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "dangbo API", "version": env!("CARGO_PKG_VERSION"), "description": "Organisation tree and member register. Authenticate with the session cookie (and X-CSRF-Token on writes) or Authorization: Bearer <token> from `dangbo token create`. Messages follow Accept-Language (vi by default, en)."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "session": {"type": "apiKey", "in": "cookie", "name": "dangbo_session"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {"code": s, "message": s, "fields": {"type": "object", "additionalProperties": s}}}}},
                "Org": {"type": "object", "required": ["code", "name", "type", "parent"], "properties": {"code": s, "name": s, "type": {"enum": ["province", "district", "commune", "grassroots_committee", "grassroots_branch", "partial_committee", "subordinate_branch"]}, "field": s, "parent": {"type": ["string", "null"]}, "founded_on": date, "ended_on": {"type": ["string", "null"], "format": "date"}}},
                "NewOrg": {"type": "object", "required": ["code", "name", "type", "founded_on"], "properties": {"code": s, "name": s, "type": s, "field": s, "parent": s, "founded_on": date, "split_from": s, "decision_no": s, "decision_date": date, "issuer": s}},
                "OrgEvent": {"type": "object", "required": ["type", "effective_on"], "properties": {"type": {"enum": ["renamed", "moved", "merged", "dissolved"]}, "effective_on": date, "name": s, "parent": s, "target": s, "decision_no": s, "decision_date": date, "issuer": s}},
                "Summary": {"type": "object", "required": ["code", "name", "as_of", "grassroots_orgs", "members"], "properties": {"code": s, "name": s, "as_of": date, "grassroots_orgs": {"type": "integer"}, "members": {"type": "object", "properties": {"total": {"type": "integer"}, "probationary": {"type": "integer"}, "full": {"type": "integer"}, "exempt": {"type": "integer"}}}}},
                "MemberItem": {"type": "object", "properties": {"id": s, "full_name": s, "org": s, "org_name": s, "status": s, "sex": s, "birth_date": date, "ceremony_date": date}},
                "MemberPage": {"type": "object", "required": ["items", "total", "next_cursor"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/MemberItem"}}, "total": {"type": "integer"}, "next_cursor": {"type": ["string", "null"]}}},
                "NewMember": {"type": "object", "required": ["org", "family_name", "given_name", "sex", "birth_date", "admission_decision_date", "ceremony_date"], "properties": {
                    "org": s, "family_name": s, "middle_name": s, "given_name": s, "sex": {"enum": ["male", "female"]}, "birth_date": date,
                    "ethnicity": {"type": "string", "description": "code of the 54 groups: 01 Kinh … 55"}, "religion": s, "birth_place": s, "home_town": s, "residence": s,
                    "cccd": {"type": "string", "pattern": "^[0-9]{12}$"}, "phone": s, "education": s, "professional": s, "theory": s, "occupation": s,
                    "admission_decision_no": s, "admission_decision_date": date, "ceremony_date": date, "full_date": date, "card_no": s, "bio_no": s}},
                "MemberEvent": {"type": "object", "required": ["type", "effective_on"], "properties": {
                    "type": {"enum": ["recognised", "transferred", "transfer_issued", "transfer_cancelled", "helper_assigned", "transferred_out", "temp_attached", "temp_returned", "exempted", "exemption_ended", "struck_off", "left", "expelled", "deceased", "readmitted", "info_changed", "card_issued", "badge_awarded", "corrected"]},
                    "effective_on": date, "org": s, "destination": s, "reason": s, "card_no": s, "years": s, "badge_no": s, "helper": s, "ground": {"enum": ["age_health", "other"]}, "until": date, "purpose": {"enum": ["work", "study"]}, "corrects": s, "decision_no": s, "decision_date": date, "issuer": s}},
                "Member": obj,
                "MemberStats": {"type": "object", "properties": {"code": s, "name": s, "as_of": date, "total": {"type": "integer"}, "breakdowns": {"type": "array", "items": {"type": "object", "properties": {"dimension": s, "rows": {"type": "array", "items": pair}}}}}},
                "PressFigures": {"type": "object", "properties": {"code": s, "from": date, "to": date,
                    "grassroots_orgs": {"type": ["integer", "null"]}, "members": {"type": ["integer", "null"]}, "awareness_classes": {"type": ["integer", "null"]}, "awareness_trainees": {"type": ["integer", "null"]}, "admitted": {"type": ["integer", "null"]},
                    "exam_candidates_commune": {"type": ["integer", "null"]}, "exam_candidates_district": {"type": ["integer", "null"]}, "moves_total": {"type": ["integer", "null"]}, "moves_upper_to_commune": {"type": ["integer", "null"]},
                    "moves_commune_to_upper": {"type": ["integer", "null"]}, "moves_commune_to_commune": {"type": ["integer", "null"]}, "moves_cross_sector": {"type": ["integer", "null"]}, "units_with_nonlocal_secretary": {"type": ["integer", "null"]}, "units_total": {"type": ["integer", "null"]}}}
            }
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/orgs": {
                "get": {"summary": "Roots of the caller's scope, or the children of ?parent=CODE", "parameters": [q("parent", "organisation code"), q("as_of", "YYYY-MM-DD")], "responses": {"200": ok(json!({"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Org"}}}})), "401": err(), "404": err()}},
                "post": {"summary": "Found an organisation", "requestBody": body("NewOrg"), "responses": {"201": ok(json!({"$ref": "#/components/schemas/Org"})), "422": err(), "403": err()}}
            },
            "/orgs/{code}": {"get": {"summary": "One organisation with its history", "parameters": [p("code")], "responses": {"200": ok(json!({"$ref": "#/components/schemas/Org"})), "404": err()}}},
            "/orgs/{code}/summary": {"get": {"summary": "Counts of the subtree as of a date", "parameters": [p("code"), q("as_of", "YYYY-MM-DD, default today")], "responses": {"200": ok(json!({"$ref": "#/components/schemas/Summary"})), "404": err(), "422": err()}}},
            "/orgs/{code}/events": {"post": {"summary": "Rename, move, merge or dissolve", "parameters": [p("code")], "requestBody": body("OrgEvent"), "responses": {"201": ok(json!({"$ref": "#/components/schemas/Org"})), "422": err(), "404": err()}}},
            "/orgs/{code}/stats": {"get": {"summary": "Members of the subtree on a date by status, sex, age band, ethnicity, religion and levels; every breakdown adds up to total", "parameters": [p("code"), q("as_of", "YYYY-MM-DD, default today")], "responses": {"200": ok(json!({"$ref": "#/components/schemas/MemberStats"})), "404": err(), "422": err()}}},
            "/orgs/{code}/press-figures": {"get": {"summary": "The seed article's figures for a period; a figure whose capability has not landed is null", "parameters": [p("code"), {"name": "from", "in": "query", "required": true, "schema": date}, {"name": "to", "in": "query", "required": true, "schema": date}], "responses": {"200": ok(json!({"$ref": "#/components/schemas/PressFigures"})), "404": err(), "422": err()}}},
            "/orgs/{code}/quality": {"get": {"summary": "Per branch: members, missing CCCD, under 18 at admission, possible duplicates, full members without a card", "parameters": [p("code"), q("as_of", "YYYY-MM-DD, default today")], "responses": {"200": ok(json!({"type": "object"})), "404": err()}}},
            "/orgs/{code}/movements": {"get": {"summary": "Movements in a period: admissions (under 30, women, ethnic minority, religious), re-admissions, recognitions, arrivals, exits by kind", "parameters": [p("code"), {"name": "from", "in": "query", "required": true, "schema": date}, {"name": "to", "in": "query", "required": true, "schema": date}], "responses": {"200": ok(json!({"type": "object"})), "404": err(), "422": err()}}},
            "/members": {
                "get": {"summary": "Members counted on a date, sorted by given name", "parameters": [q("org", "subtree code"), q("q", "search, diacritics ignored"), q("status", "probationary|full|exempt"), q("sex", "male|female"), q("ethnicity", "code"), q("age_band", "0-30|31-40|41-50|51-60|61-"), q("as_of", "YYYY-MM-DD"), q("limit", "1–500"), q("cursor", "next_cursor of the previous page")], "responses": {"200": ok(json!({"$ref": "#/components/schemas/MemberPage"})), "422": err()}},
                "post": {"summary": "Add a member (counted from the ceremony date)", "requestBody": body("NewMember"), "responses": {"201": ok(json!({"type": "object", "properties": {"id": s, "full_name": s, "org": s, "status": s}})), "422": err(), "403": err()}}
            },
            "/members/{id}": {"get": {"summary": "A member's full record with its events (logged)", "parameters": [p("id")], "responses": {"200": ok(json!({"$ref": "#/components/schemas/Member"})), "404": err()}}},
            "/members/{id}/events": {"post": {"summary": "Record an event", "parameters": [p("id")], "requestBody": body("MemberEvent"), "responses": {"201": ok(json!({"type": "object", "properties": {"id": s, "member_id": s}})), "422": err(), "404": err()}}},
            "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": ok(json!({"type": "object"}))}}}
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
