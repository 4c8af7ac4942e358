//! Passwords: argon2id hashes in PHC strings, never the password itself. A password shorter than
//! eight characters is refused.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "密码至少{MIN_PASSWORD_CHARS}位 / a password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `password` matches the stored PHC string (false for a malformed one).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A 256-bit random token, hex: sessions, API tokens, CSRF tokens.
pub fn random_token() -> String {
    use argon2::password_hash::rand_core::RngCore;
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The digest a token is kept under (SHA-256, hex): sessions and API keys are stored and looked up by
/// it, so the database never holds a token that works.
pub fn digest(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).iter().map(|x| format!("{x:02x}")).collect()
}

/// A readable random password for demo and new accounts: 12 characters without look-alikes.
pub fn generate_password() -> String {
    use argon2::password_hash::rand_core::RngCore;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

/// A request's query code (查询码) for the public lookup: 6 characters without look-alikes (31⁶,
/// about 890 million), read out on the phone or shown once after filing.
pub fn lookup_code() -> String {
    use argon2::password_hash::rand_core::RngCore;
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut code = String::with_capacity(6);
    while code.len() < 6 {
        let mut b = [0u8; 1];
        OsRng.fill_bytes(&mut b);
        // Rejection sampling keeps every character equally likely.
        if usize::from(b[0]) < 256 - 256 % ALPHABET.len() {
            code.push(ALPHABET[usize::from(b[0]) % ALPHABET.len()] as char);
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("correct horse").expect("hash");
        let b = hash_password("correct horse").expect("hash");
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("wrong horse", &a));
        assert!(!verify_password("correct horse", "not a hash"));
        assert!(hash_password("short").is_err());
        assert_eq!(generate_password().len(), 12);
        let (a, b) = (lookup_code(), lookup_code());
        assert!(a.len() == 6 && a.chars().all(|c| c.is_ascii_alphanumeric() && !"01IOL".contains(c)));
        assert_ne!(a, b);
    }
}
