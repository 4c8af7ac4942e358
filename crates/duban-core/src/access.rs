//! Who may do what: the one role × action table. The store checks it before every read and write
//! (a unit's or a leader's reach over single matters is the store's, by the matter's units); the
//! pages ask it what to show, so a menu never offers what would answer 403.
//!
//! The roles follow how a district divides the work: the supervision office (督查室) runs the
//! ledger; the 12345 hotline centre runs the public's requests and nothing of the ledger; the
//! administrator keeps accounts, units, webhooks and keys and supervises nothing; units report on
//! their own matters; leaders read.

use serde::{Deserialize, Serialize};

use crate::MatterKind;

/// A kind of account. (A unit's account also names its unit; that is the store's.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The supervision office (督查室).
    Office,
    /// The 12345 hotline centre (热线中心).
    Hotline,
    /// The system's administrator (系统管理员).
    Admin,
    /// A responsible unit (责任单位).
    Unit,
    /// A leader (领导).
    Leader,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Office, Role::Hotline, Role::Admin, Role::Unit, Role::Leader];

    /// The name stored and used in the API and the CLI.
    pub fn key(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Hotline => "hotline",
            Role::Admin => "admin",
            Role::Unit => "unit",
            Role::Leader => "leader",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Role::Office => "督查室",
            Role::Hotline => "12345热线中心",
            Role::Admin => "系统管理员",
            Role::Unit => "责任单位",
            Role::Leader => "领导",
        }
    }
}

/// What an account does, as the table grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read the ledger: the dashboard, matters, campaigns, bulletins (a unit: its own matters).
    ReadLedger,
    /// Run the ledger's loop: assign, set milestones, remind, escalate, review and sign off, send
    /// back, split, campaigns.
    SuperviseLedger,
    /// Import a report and adopt its rows as matters.
    ImportReports,
    /// Issue a bulletin (督查通报).
    IssueBulletins,
    /// Report on one's own matters: progress, milestones, evidence, asking for sign-off; sign for,
    /// send back, reply to and ask more time for one's own requests.
    ReportOwn,
    /// Read the request queue and a request's page (a unit: the requests it handles).
    ReadRequests,
    /// Run casework: intake, dispatch, reply, return visits, close, merge, reopen; the category
    /// catalogue.
    RunCasework,
    /// Add to the knowledge base.
    EditKnowledge,
    /// Read the casework metrics (a unit: of the requests it handles).
    ReadMetrics,
    /// Deputies' proposals and inspection complaints: file, import, assign.
    HandleFilings,
    /// Read proposals and complaints (a unit: its own).
    ReadFilings,
    /// Accounts, units, webhooks, Open311 keys.
    Administer,
    /// Read the audit log (sign-ins, account and role changes).
    ReadAudit,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::ReadLedger,
        Action::SuperviseLedger,
        Action::ImportReports,
        Action::IssueBulletins,
        Action::ReportOwn,
        Action::ReadRequests,
        Action::RunCasework,
        Action::EditKnowledge,
        Action::ReadMetrics,
        Action::HandleFilings,
        Action::ReadFilings,
        Action::Administer,
        Action::ReadAudit,
    ];
}

use Action::*;

/// The table: each role and what it may do. Nothing else grants an action.
const TABLE: &[(Role, &[Action])] = &[
    (
        Role::Office,
        &[
            ReadLedger,
            SuperviseLedger,
            ImportReports,
            IssueBulletins,
            ReadRequests,
            RunCasework,
            EditKnowledge,
            ReadMetrics,
            HandleFilings,
            ReadFilings,
        ],
    ),
    (Role::Hotline, &[ReadRequests, RunCasework, EditKnowledge, ReadMetrics]),
    (Role::Admin, &[Administer, ReadAudit]),
    (Role::Unit, &[ReadLedger, ReportOwn, ReadRequests, ReadMetrics, ReadFilings]),
    (Role::Leader, &[ReadLedger, ReadRequests, ReadMetrics, ReadFilings]),
];

/// What reading a matter of this kind takes: the public's requests are casework's, proposals and
/// complaints the filings', the rest the ledger's.
pub fn to_read(kind: MatterKind) -> Action {
    match kind {
        MatterKind::Request => ReadRequests,
        MatterKind::Proposal | MatterKind::Complaint => ReadFilings,
        MatterKind::Target | MatterKind::Task | MatterKind::Project => ReadLedger,
    }
}

/// What running a matter of this kind takes (all but the handling unit's own word, which is
/// `ReportOwn`).
pub fn to_run(kind: MatterKind) -> Action {
    match kind {
        MatterKind::Request => RunCasework,
        MatterKind::Proposal | MatterKind::Complaint => HandleFilings,
        MatterKind::Target | MatterKind::Task | MatterKind::Project => SuperviseLedger,
    }
}

/// Whether `role` may do `action`.
pub fn allows(role: Role, action: Action) -> bool {
    TABLE.iter().any(|(r, actions)| *r == role && actions.contains(&action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_is_in_the_table_once() {
        for role in Role::ALL {
            assert_eq!(TABLE.iter().filter(|(r, _)| *r == role).count(), 1, "{role:?}");
            assert_eq!(Role::from_key(role.key()), Some(role));
        }
    }

    #[test]
    fn the_work_is_divided() {
        // The hotline centre runs casework and nothing of the ledger.
        assert!(allows(Role::Hotline, RunCasework));
        for a in [ReadLedger, SuperviseLedger, ImportReports, IssueBulletins, Administer] {
            assert!(!allows(Role::Hotline, a), "{a:?}");
        }
        // The administrator keeps accounts and supervises nothing.
        assert!(allows(Role::Admin, Administer));
        for a in [ReadLedger, SuperviseLedger, RunCasework, ReadRequests] {
            assert!(!allows(Role::Admin, a), "{a:?}");
        }
        // The office no longer keeps accounts; leaders change nothing; units report only.
        assert!(!allows(Role::Office, Administer));
        for a in Action::ALL {
            if allows(Role::Leader, a) {
                assert!(matches!(a, ReadLedger | ReadRequests | ReadMetrics | ReadFilings), "{a:?}");
            }
        }
        assert!(allows(Role::Unit, ReportOwn) && !allows(Role::Unit, SuperviseLedger));
    }
}
