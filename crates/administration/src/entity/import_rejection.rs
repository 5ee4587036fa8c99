use sea_orm::entity::prelude::*;

/// One refused cell of an import, kept for the downloadable report.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_rejections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub import_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ordinal: i32,
    pub row_number: i32,
    pub column_name: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
