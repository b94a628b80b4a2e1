//! The catalogue, the teams and their users.

use super::pools::{name, uuid, INSTITUTIONS};
use super::DemoSummary;
use crate::{Result, Writer};
use chrono::NaiveDate;
use fudao_core::model::{Role, Team, User};
use fudao_core::region::JINAN_DISTRICTS;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A team, the code of its district, and its users (the lead first, then three coaches).
pub(super) type TeamUsers = (Team, &'static str, Vec<User>);

/// Writes the built-in product catalogue, the city administrator, and `n_teams` teams of a
/// lead and three coaches each.
pub(super) fn catalogue_and_teams(
    w: &Writer<'_>,
    rng: &mut ChaCha8Rng,
    start: NaiveDate,
    n_teams: usize,
    sum: &mut DemoSummary,
) -> Result<Vec<TeamUsers>> {
    // Catalogue.
    for p in fudao_core::product::builtin_catalog().products {
        w.put(&p)?;
        sum.products += 1;
    }
    // Teams and users.
    let mut teams = Vec::new();
    let admin = User {
        id: uuid(rng, start),
        username: "admin".into(),
        name: "市金融监管局管理员".into(),
        institution: "济南市地方金融监督管理局".into(),
        phone: "0531-00000000".into(),
        team_id: None,
        role: Role::Admin,
        active: true,
    };
    w.put(&admin)?;
    sum.users += 1;
    for t in 0..n_teams {
        let district = JINAN_DISTRICTS[t % JINAN_DISTRICTS.len()];
        let team_id = uuid(rng, start);
        let mut coaches = Vec::new();
        let lead_id = uuid(rng, start);
        for c in 0..4 {
            let role = if c == 0 { Role::Lead } else { Role::Coach };
            let id = if c == 0 { lead_id } else { uuid(rng, start) };
            let u = User {
                id,
                username: format!(
                    "t{}{}",
                    t + 1,
                    if c == 0 {
                        "lead".to_string()
                    } else {
                        format!("c{c}")
                    }
                ),
                name: name(rng),
                institution: INSTITUTIONS[(t + c) % INSTITUTIONS.len()].to_string(),
                phone: format!(
                    "1{}{:08}",
                    [3, 5, 8][c % 3],
                    rng.random_range(0..100_000_000u32)
                ),
                team_id: Some(team_id),
                role,
                active: true,
            };
            w.put(&u)?;
            sum.users += 1;
            coaches.push(u);
        }
        let team = Team {
            id: team_id,
            name: format!("{}金融辅导{}队", district.1, t / JINAN_DISTRICTS.len() + 1),
            focus: format!("{}科技型企业", district.1),
            lead_id: Some(lead_id),
        };
        w.put(&team)?;
        sum.teams += 1;
        teams.push((team, district.0, coaches));
    }
    Ok(teams)
}
