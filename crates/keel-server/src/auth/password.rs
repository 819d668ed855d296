//! Password hashing: Argon2id (RFC 9106) with the argon2 crate's defaults, m = 19 MiB, t = 2, p = 1, which are
//! OWASP's recommended minimum; each hash carries its own random 16-byte salt and its parameters (PHC string),
//! so a later change of parameters still verifies old hashes.
//!
//! # Complexity
//! O(m * t) time and O(m) memory per hash or verification: about 20-50 ms here, which is the point; callers
//! run it on a blocking thread.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Shortest password accepted (NIST SP 800-63B's minimum for user-chosen secrets).
pub(crate) const MIN_LEN: usize = 8;

pub(crate) fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Whether `password` matches the stored PHC string (false for a malformed one).
pub(crate) fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Refuses passwords that are too short or too long (Argon2 accepts any length; 1 KiB bounds the work an
/// unauthenticated caller can ask for).
pub(crate) fn check_policy(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        Err(format!(
            "the password has {n} character(s); use at least {MIN_LEN}"
        ))
    } else if password.len() > 1024 {
        Err("the password is longer than 1024 bytes".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hash_verifies_only_its_password() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse", &h));
        assert!(!verify("correct horsE", &h));
        assert!(!verify("correct horse", "not a hash"));
        // Two hashes of one password differ by their salt.
        assert_ne!(h, hash("correct horse").unwrap());
        assert!(check_policy("short").is_err());
        assert!(check_policy("long enough").is_ok());
    }
}
