//! Resident lists: an administrator's spreadsheet of the people of their units, each row
//! validated on its own and created or updated idempotently, keyed by the keyed hash of
//! the citizen ID. Reading the file (CSV, XLSX) is the caller's business: rows arrive
//! here as text cells under a header.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use hocvuso_kernel::text::fold;
use hocvuso_kernel::{Lang, Principal, Role, TargetGroup, ids::new_id, time::now};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel,
    QueryFilter, QuerySelect, Set,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::accounts::lang_code;
use crate::cccd::{Cccd, Sex};
use crate::contact::PhoneNumber;
use crate::entity::{unit, user};
use crate::provenance::{CccdSource, FactSource};
use crate::{Identity, IdentityError};

/// Rows written per transaction: large enough to amortise the commit, small enough
/// that the `IN (…)` look-ups stay within every database's parameter limit.
const CHUNK: usize = 500;

/// The columns of a resident list. Headers are matched without regard to case,
/// diacritics, spaces or underscores, in English or Vietnamese ("Họ và tên", "Số CCCD").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResidentColumn {
    FullName,
    BirthDate,
    Sex,
    Cccd,
    Phone,
    TargetGroup,
    ResidentialGroup,
    Household,
}

impl ResidentColumn {
    pub const ALL: [ResidentColumn; 8] = [
        ResidentColumn::FullName,
        ResidentColumn::BirthDate,
        ResidentColumn::Sex,
        ResidentColumn::Cccd,
        ResidentColumn::Phone,
        ResidentColumn::TargetGroup,
        ResidentColumn::ResidentialGroup,
        ResidentColumn::Household,
    ];

    /// The column's name in reports and in the template file.
    pub fn key(self) -> &'static str {
        match self {
            ResidentColumn::FullName => "full_name",
            ResidentColumn::BirthDate => "birth_date",
            ResidentColumn::Sex => "sex",
            ResidentColumn::Cccd => "cccd",
            ResidentColumn::Phone => "phone",
            ResidentColumn::TargetGroup => "target_group",
            ResidentColumn::ResidentialGroup => "residential_group",
            ResidentColumn::Household => "household",
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            ResidentColumn::FullName
                | ResidentColumn::Cccd
                | ResidentColumn::TargetGroup
                | ResidentColumn::ResidentialGroup
        )
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            ResidentColumn::FullName => &["full name", "name", "ho ten", "ho va ten"],
            ResidentColumn::BirthDate => &["birth date", "date of birth", "ngay sinh"],
            ResidentColumn::Sex => &["sex", "gioi tinh"],
            ResidentColumn::Cccd => &["cccd", "so cccd", "citizen id", "so dinh danh"],
            ResidentColumn::Phone => &["phone", "so dien thoai", "dien thoai", "sdt"],
            ResidentColumn::TargetGroup => &["target group", "doi tuong", "nhom doi tuong"],
            ResidentColumn::ResidentialGroup => &["residential group", "to dan pho", "don vi"],
            ResidentColumn::Household => &["household", "ho gia dinh", "ma ho"],
        }
    }

    fn from_header(header: &str) -> Option<ResidentColumn> {
        let folded = fold(header).replace('_', " ");
        let normalised = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        Self::ALL
            .into_iter()
            .find(|c| c.aliases().contains(&normalised.as_str()))
    }
}

/// Where each known column sits in the file's rows.
#[derive(Debug, Clone)]
pub struct ResidentHeader {
    positions: HashMap<ResidentColumn, usize>,
}

impl ResidentHeader {
    /// Maps a header row; fails with the required columns it lacks.
    pub fn parse(headers: &[String]) -> Result<Self, IdentityError> {
        let mut positions = HashMap::new();
        for (index, header) in headers.iter().enumerate() {
            if let Some(column) = ResidentColumn::from_header(header) {
                positions.entry(column).or_insert(index);
            }
        }
        let missing: Vec<&'static str> = ResidentColumn::ALL
            .into_iter()
            .filter(|c| c.required() && !positions.contains_key(c))
            .map(ResidentColumn::key)
            .collect();
        if missing.is_empty() {
            Ok(Self { positions })
        } else {
            Err(IdentityError::ImportColumnsMissing(missing))
        }
    }

    /// One row of cells as a raw resident; `row` is its number in the file.
    pub fn resident(&self, row: u32, cells: &[String]) -> RawResident {
        let cell = |column| {
            self.positions
                .get(&column)
                .and_then(|&i| cells.get(i))
                .map(|c| c.trim().to_owned())
                .unwrap_or_default()
        };
        RawResident {
            row,
            full_name: cell(ResidentColumn::FullName),
            birth_date: cell(ResidentColumn::BirthDate),
            sex: cell(ResidentColumn::Sex),
            cccd: cell(ResidentColumn::Cccd),
            phone: cell(ResidentColumn::Phone),
            target_group: cell(ResidentColumn::TargetGroup),
            residential_group: cell(ResidentColumn::ResidentialGroup),
            household: cell(ResidentColumn::Household),
        }
    }
}

/// A row as read, every cell text (empty when absent).
#[derive(Debug, Clone, Default)]
pub struct RawResident {
    pub row: u32,
    pub full_name: String,
    pub birth_date: String,
    pub sex: String,
    pub cccd: String,
    pub phone: String,
    pub target_group: String,
    pub residential_group: String,
    pub household: String,
}

/// Why one cell of one row was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RowRejection {
    /// The row's number in the file (the header is row 1).
    pub row: u32,
    pub column: &'static str,
    pub code: &'static str,
    pub message_vi: &'static str,
    pub message_en: &'static str,
}

#[derive(Debug, Default, Clone)]
pub struct ResidentImport {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub rejections: Vec<RowRejection>,
}

impl ResidentImport {
    /// Rows with at least one rejection.
    pub fn rejected_rows(&self) -> u32 {
        let rows: HashSet<u32> = self.rejections.iter().map(|r| r.row).collect();
        rows.len() as u32
    }
}

/// A row that passed every check on its own.
struct Resident {
    row: u32,
    full_name: String,
    birth_date: Option<NaiveDate>,
    sex: Sex,
    cccd: Cccd,
    cccd_hash: String,
    phone: Option<PhoneNumber>,
    target_group: TargetGroup,
    unit_id: Uuid,
    household: Option<String>,
}

fn reject(
    row: u32,
    column: ResidentColumn,
    code: &'static str,
    vi: &'static str,
    en: &'static str,
) -> RowRejection {
    RowRejection {
        row,
        column: column.key(),
        code,
        message_vi: vi,
        message_en: en,
    }
}

fn parse_birth_date(text: &str) -> Option<NaiveDate> {
    ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
        .into_iter()
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
}

fn parse_sex(text: &str) -> Option<Sex> {
    match fold(text).as_str() {
        "nam" | "male" | "m" => Some(Sex::Male),
        "nu" | "female" | "f" => Some(Sex::Female),
        _ => None,
    }
}

/// A target group's code, or its Vietnamese name typed with or without diacritics.
pub fn parse_target_group(text: &str) -> Option<TargetGroup> {
    let folded = fold(text);
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    TargetGroup::parse(&folded).or(match folded.as_str() {
        "can bo"
        | "cong chuc"
        | "vien chuc"
        | "can bo, cong chuc, vien chuc"
        | "can bo cong chuc vien chuc" => Some(TargetGroup::PublicSector),
        "hoc sinh" | "sinh vien" | "hoc sinh, sinh vien" | "hoc sinh sinh vien" => {
            Some(TargetGroup::Student)
        }
        "nguoi lao dong" | "lao dong doanh nghiep" | "nguoi lao dong trong doanh nghiep" => {
            Some(TargetGroup::EnterpriseWorker)
        }
        "nguoi dan" | "cong dan" => Some(TargetGroup::Citizen),
        _ => None,
    })
}

/// The units of a scope, found by code or by name (folded); a name two units share
/// finds neither.
struct UnitDirectory {
    by_code: HashMap<String, Uuid>,
    by_name: HashMap<String, Option<Uuid>>,
}

impl UnitDirectory {
    fn new(units: Vec<unit::Model>) -> Self {
        let mut by_code = HashMap::new();
        let mut by_name: HashMap<String, Option<Uuid>> = HashMap::new();
        for unit in units {
            if let Some(code) = &unit.code {
                by_code.insert(fold(code), unit.id);
            }
            by_name
                .entry(fold(&unit.name))
                .and_modify(|found| *found = None)
                .or_insert(Some(unit.id));
        }
        Self { by_code, by_name }
    }

    fn find(&self, text: &str) -> Result<Uuid, (&'static str, &'static str, &'static str)> {
        let key = fold(text);
        if let Some(id) = self.by_code.get(&key) {
            return Ok(*id);
        }
        match self.by_name.get(&key) {
            Some(Some(id)) => Ok(*id),
            Some(None) => Err((
                "residential_group_ambiguous",
                "Có nhiều đơn vị cùng tên này; hãy ghi mã đơn vị.",
                "Several units share this name; use the unit's code.",
            )),
            None => Err((
                "unknown_residential_group",
                "Không có tổ dân phố / đơn vị này trong phạm vi quản lý của bạn.",
                "No such residential group or unit within your scope.",
            )),
        }
    }
}

impl Identity {
    /// Creates or updates the residents of an administrator's units. Rows are checked
    /// one by one; a refused row changes nothing and is reported with every reason.
    /// Importing the same file again changes nothing.
    pub async fn import_residents(
        &self,
        principal: &Principal,
        rows: Vec<RawResident>,
    ) -> Result<ResidentImport, IdentityError> {
        let scope = self.scope_of(principal).await?;
        if scope.is_empty() {
            return Err(IdentityError::Forbidden);
        }
        let units = unit::Entity::find()
            .filter(unit::Column::Id.is_in(scope.iter().copied()))
            .all(&self.db)
            .await?;
        let directory = UnitDirectory::new(units);
        let today = now().date_naive();

        let mut outcome = ResidentImport::default();
        let mut seen_cccd = HashSet::new();
        let mut seen_phone = HashSet::new();
        let mut valid = Vec::with_capacity(CHUNK);
        for raw in rows {
            match self.check_resident(raw, &directory, today) {
                Ok(resident) => {
                    if !seen_cccd.insert(resident.cccd_hash.clone()) {
                        outcome.rejections.push(reject(
                            resident.row,
                            ResidentColumn::Cccd,
                            "duplicate_in_file",
                            "Số CCCD này đã có ở một dòng trước trong tệp.",
                            "This citizen ID already appears on an earlier row.",
                        ));
                        continue;
                    }
                    if let Some(phone) = &resident.phone
                        && !seen_phone.insert(phone.as_str().to_owned())
                    {
                        outcome.rejections.push(reject(
                            resident.row,
                            ResidentColumn::Phone,
                            "duplicate_in_file",
                            "Số điện thoại này đã có ở một dòng trước trong tệp.",
                            "This phone number already appears on an earlier row.",
                        ));
                        continue;
                    }
                    valid.push(resident);
                    if valid.len() == CHUNK {
                        self.store_residents(std::mem::take(&mut valid), &scope, &mut outcome)
                            .await?;
                    }
                }
                Err(mut rejections) => outcome.rejections.append(&mut rejections),
            }
        }
        if !valid.is_empty() {
            self.store_residents(valid, &scope, &mut outcome).await?;
        }
        outcome.rejections.sort_by_key(|r| r.row);
        tracing::info!(
            by = %principal.user_id,
            created = outcome.created,
            updated = outcome.updated,
            unchanged = outcome.unchanged,
            rejected = outcome.rejected_rows(),
            "resident list imported"
        );
        Ok(outcome)
    }

    fn check_resident(
        &self,
        raw: RawResident,
        directory: &UnitDirectory,
        today: NaiveDate,
    ) -> Result<Resident, Vec<RowRejection>> {
        use ResidentColumn as C;
        let row = raw.row;
        let mut rejections = Vec::new();
        let full_name = raw
            .full_name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if full_name.is_empty() || full_name.chars().count() > 200 {
            rejections.push(reject(
                row,
                C::FullName,
                "full_name_invalid",
                "Cần họ và tên (tối đa 200 ký tự).",
                "A full name is required (at most 200 characters).",
            ));
        }
        let birth_date = if raw.birth_date.is_empty() {
            None
        } else {
            match parse_birth_date(&raw.birth_date) {
                Some(date) if date <= today && date.year() >= 1900 => Some(date),
                Some(_) => {
                    rejections.push(reject(
                        row,
                        C::BirthDate,
                        "birth_date_out_of_range",
                        "Ngày sinh phải sau năm 1900 và không ở tương lai.",
                        "The date of birth must be after 1900 and not in the future.",
                    ));
                    None
                }
                None => {
                    rejections.push(reject(
                        row,
                        C::BirthDate,
                        "birth_date_invalid",
                        "Ngày sinh không đúng dạng ngày/tháng/năm (vd. 05/09/1958).",
                        "The date of birth is not a day/month/year date (e.g. 05/09/1958).",
                    ));
                    None
                }
            }
        };
        let stated_sex = if raw.sex.is_empty() {
            None
        } else {
            let sex = parse_sex(&raw.sex);
            if sex.is_none() {
                rejections.push(reject(
                    row,
                    C::Sex,
                    "sex_invalid",
                    "Giới tính ghi là Nam hoặc Nữ.",
                    "Sex is written as Nam (male) or Nữ (female).",
                ));
            }
            sex
        };
        let cccd = match Cccd::parse(&raw.cccd) {
            Ok(cccd) => match cccd.check(birth_date, stated_sex, today) {
                Ok(()) => Some(cccd),
                Err(e) => {
                    let (vi, en) = e.messages();
                    rejections.push(reject(row, C::Cccd, e.code(), vi, en));
                    None
                }
            },
            Err(e) => {
                let (vi, en) = e.messages();
                rejections.push(reject(row, C::Cccd, e.code(), vi, en));
                None
            }
        };
        let phone = if raw.phone.is_empty() {
            None
        } else {
            let phone = PhoneNumber::parse(&raw.phone);
            if phone.is_none() {
                rejections.push(reject(
                    row,
                    C::Phone,
                    "phone_invalid",
                    "Số điện thoại di động không hợp lệ.",
                    "Not a valid Vietnamese mobile number.",
                ));
            }
            phone
        };
        let target_group = parse_target_group(&raw.target_group);
        if target_group.is_none() {
            rejections.push(reject(
                row,
                C::TargetGroup,
                "target_group_invalid",
                "Đối tượng là một trong: cán bộ công chức, học sinh sinh viên, người lao động, người dân.",
                "The target group is one of public_sector, student, enterprise_worker, citizen.",
            ));
        }
        let unit_id = match directory.find(&raw.residential_group) {
            Ok(id) => Some(id),
            Err((code, vi, en)) => {
                rejections.push(reject(row, C::ResidentialGroup, code, vi, en));
                None
            }
        };
        let household = raw.household.trim().to_owned();
        if household.chars().count() > 100 {
            rejections.push(reject(
                row,
                C::Household,
                "household_too_long",
                "Mã hộ gia đình tối đa 100 ký tự.",
                "A household code has at most 100 characters.",
            ));
        }
        let (Some(cccd), Some(target_group), Some(unit_id), true) =
            (cccd, target_group, unit_id, rejections.is_empty())
        else {
            return Err(rejections);
        };
        let cccd_hash = self.vault.lookup_hash(&cccd).map_err(|_| {
            vec![reject(
                row,
                C::Cccd,
                "cccd_format",
                "Không xử lý được số CCCD.",
                "The citizen ID could not be processed.",
            )]
        })?;
        Ok(Resident {
            row,
            full_name,
            birth_date,
            sex: cccd.sex(),
            cccd,
            cccd_hash,
            phone,
            target_group,
            unit_id,
            household: (!household.is_empty()).then_some(household),
        })
    }

    async fn store_residents(
        &self,
        residents: Vec<Resident>,
        scope: &HashSet<Uuid>,
        outcome: &mut ResidentImport,
    ) -> Result<(), IdentityError> {
        let txn = self.db.begin().await?;
        if txn.get_database_backend() == DbBackend::Postgres {
            // A large import grows the table many times over within a minute, before
            // statistics catch up: a plan cached while it was small would scan it whole
            // for every chunk. Planning each look-up afresh keeps them on the index.
            txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
                .await?;
        }
        let hashes: Vec<&str> = residents.iter().map(|r| r.cccd_hash.as_str()).collect();
        let existing: HashMap<String, user::Model> = user::Entity::find()
            .filter(user::Column::CccdHash.is_in(hashes))
            .all(&txn)
            .await?
            .into_iter()
            .filter_map(|u| u.cccd_hash.clone().map(|h| (h, u)))
            .collect();
        let phones: Vec<&str> = residents
            .iter()
            .filter_map(|r| r.phone.as_ref().map(PhoneNumber::as_str))
            .collect();
        let phone_owners: HashMap<String, Uuid> = user::Entity::find()
            .select_only()
            .column(user::Column::Phone)
            .column(user::Column::Id)
            .filter(user::Column::Phone.is_in(phones))
            .into_tuple::<(String, Uuid)>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();

        let at = now();
        let mut new_users = Vec::new();
        for resident in residents {
            let current = existing.get(&resident.cccd_hash);
            if let Some(phone) = &resident.phone
                && phone_owners
                    .get(phone.as_str())
                    .is_some_and(|owner| Some(*owner) != current.map(|u| u.id))
            {
                outcome.rejections.push(reject(
                    resident.row,
                    ResidentColumn::Phone,
                    "phone_taken",
                    "Số điện thoại này đã thuộc về một tài khoản khác.",
                    "This phone number belongs to another account.",
                ));
                continue;
            }
            match current {
                None => {
                    new_users.push(self.new_resident(resident, at)?);
                    outcome.created += 1;
                }
                Some(user) if !user.unit_id.is_some_and(|u| scope.contains(&u)) => {
                    outcome.rejections.push(reject(
                        resident.row,
                        ResidentColumn::Cccd,
                        "cccd_registered_elsewhere",
                        "Người có số CCCD này thuộc đơn vị ngoài phạm vi quản lý của bạn.",
                        "The person with this citizen ID belongs to a unit outside your scope.",
                    ));
                }
                Some(user) => {
                    if let Some(changed) = apply_resident(user, &resident, at) {
                        changed.update(&txn).await?;
                        outcome.updated += 1;
                    } else {
                        outcome.unchanged += 1;
                    }
                }
            }
        }
        if !new_users.is_empty() {
            user::Entity::insert_many(new_users).exec(&txn).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    fn new_resident(
        &self,
        resident: Resident,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<user::ActiveModel, IdentityError> {
        let id = new_id();
        Ok(user::ActiveModel {
            id: Set(id),
            role: Set(Role::Learner.as_str().to_owned()),
            phone: Set(resident.phone.map(|p| p.as_str().to_owned())),
            email: Set(None),
            password_hash: Set(None),
            full_name: Set(resident.full_name),
            birth_date: Set(resident.birth_date),
            sex: Set(Some(resident.sex.as_str().to_owned())),
            target_group: Set(Some(resident.target_group.as_str().to_owned())),
            unit_id: Set(Some(resident.unit_id)),
            household: Set(resident.household),
            disability: Set(None),
            preferred_language: Set(lang_code(Lang::Vi).to_owned()),
            cccd_encrypted: Set(Some(self.vault.encrypt(&resident.cccd, id)?)),
            cccd_hash: Set(Some(resident.cccd_hash)),
            cccd_source: Set(Some(CccdSource::Import.as_str().to_owned())),
            target_group_source: Set(Some(FactSource::Import.as_str().to_owned())),
            requested_unit_id: Set(None),
            identity_verified: Set(false),
            identity_assurance: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
        })
    }
}

/// The changes a row makes to an existing person, or `None` when it makes none. What
/// the national identity provider verified (name, date of birth) is not overwritten.
fn apply_resident(
    user: &user::Model,
    resident: &Resident,
    at: chrono::DateTime<chrono::Utc>,
) -> Option<user::ActiveModel> {
    let mut active = user.clone().into_active_model();
    let mut changed = false;
    let mut set = |differs: bool, apply: &mut dyn FnMut(&mut user::ActiveModel)| {
        if differs {
            apply(&mut active);
            changed = true;
        }
    };
    // Nor is a trainer's or an administrator's identity rewritten by a resident list.
    if !user.identity_verified && user.role == Role::Learner.as_str() {
        set(user.full_name != resident.full_name, &mut |a| {
            a.full_name = Set(resident.full_name.clone())
        });
        set(
            resident.birth_date.is_some() && user.birth_date != resident.birth_date,
            &mut |a| a.birth_date = Set(resident.birth_date),
        );
    }
    let sex = Some(resident.sex.as_str().to_owned());
    set(user.sex != sex, &mut |a| a.sex = Set(sex.clone()));
    let phone = resident.phone.as_ref().map(|p| p.as_str().to_owned());
    set(phone.is_some() && user.phone != phone, &mut |a| {
        a.phone = Set(phone.clone())
    });
    let group = Some(resident.target_group.as_str().to_owned());
    set(user.target_group != group, &mut |a| {
        a.target_group = Set(group.clone());
        a.target_group_source = Set(Some(FactSource::Import.as_str().to_owned()));
    });
    set(user.unit_id != Some(resident.unit_id), &mut |a| {
        a.unit_id = Set(Some(resident.unit_id));
        a.requested_unit_id = Set(None);
    });
    set(
        resident.household.is_some() && user.household != resident.household,
        &mut |a| a.household = Set(resident.household.clone()),
    );
    if !changed {
        return None;
    }
    active.updated_at = Set(at);
    Some(active)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_either_language() {
        let headers: Vec<String> = [
            "Họ và tên",
            "Ngày sinh",
            "Số CCCD",
            "Đối tượng",
            "Tổ dân phố",
        ]
        .map(String::from)
        .to_vec();
        let header = ResidentHeader::parse(&headers).expect("all required columns");
        let cells: Vec<String> = [
            "Nguyễn Văn A",
            "01/02/1960",
            "001060012345",
            "Người dân",
            "TDP 1",
        ]
        .map(String::from)
        .to_vec();
        let raw = header.resident(2, &cells);
        assert_eq!(raw.full_name, "Nguyễn Văn A");
        assert_eq!(raw.cccd, "001060012345");
        assert_eq!(raw.residential_group, "TDP 1");
        assert_eq!(raw.phone, "");

        let partial: Vec<String> = ["full_name", "CCCD"].map(String::from).to_vec();
        match ResidentHeader::parse(&partial) {
            Err(IdentityError::ImportColumnsMissing(missing)) => {
                assert_eq!(missing, vec!["target_group", "residential_group"]);
            }
            other => panic!("expected missing columns, got {other:?}"),
        }
    }

    #[test]
    fn target_groups_by_code_or_vietnamese_name() {
        assert_eq!(parse_target_group("citizen"), Some(TargetGroup::Citizen));
        assert_eq!(parse_target_group("Người dân"), Some(TargetGroup::Citizen));
        assert_eq!(parse_target_group("hoc sinh"), Some(TargetGroup::Student));
        assert_eq!(
            parse_target_group("Cán bộ, công chức, viên chức"),
            Some(TargetGroup::PublicSector)
        );
        assert_eq!(parse_target_group("khác"), None);
    }

    #[test]
    fn birth_dates_in_vietnamese_and_iso_order() {
        let expected = NaiveDate::from_ymd_opt(1958, 9, 5);
        assert_eq!(parse_birth_date("05/09/1958"), expected);
        assert_eq!(parse_birth_date("5/9/1958"), expected);
        assert_eq!(parse_birth_date("1958-09-05"), expected);
        assert_eq!(parse_birth_date("09/31/1958"), None);
    }
}
