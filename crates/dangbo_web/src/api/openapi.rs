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

/// The document itself.
pub fn spec() -> Value {
    let date = json!({"type": "string", "format": "date"});
    let s = json!({"type": "string"});
    let obj = json!({"type": "object"});
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
                    "type": {"enum": ["recognised", "transferred", "transferred_out", "temp_attached", "temp_returned", "exempted", "exemption_ended", "struck_off", "left", "expelled", "deceased", "readmitted", "info_changed", "card_issued", "corrected"]},
                    "effective_on": date, "org": s, "destination": s, "reason": s, "card_no": s, "corrects": s, "decision_no": s, "decision_date": date, "issuer": s}},
                "Member": obj,
                "MemberStats": {"type": "object", "properties": {"code": s, "name": s, "as_of": date, "total": {"type": "integer"}, "breakdowns": {"type": "array", "items": {"type": "object", "properties": {"dimension": s, "rows": {"type": "array", "items": {"type": "array", "prefixItems": [s, {"type": "integer"}]}}}}}}},
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
