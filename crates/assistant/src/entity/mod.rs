pub mod conversation;
pub mod turn;
