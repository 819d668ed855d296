//! Secrets handed to clients: session cookies, CSRF tokens and API tokens, each 32 bytes from the operating
//! system's CSPRNG, written as hex. The database keeps only their SHA-256 (a secret of 256 random bits needs no
//! slow hash: there is nothing to guess), so a copy of the database does not let anyone in.
//!
//! # Complexity
//! O(1) per secret.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A new secret: `prefix` then 64 hex digits.
pub(crate) fn new(prefix: &str) -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    format!("{prefix}{}", hex(&b))
}

/// SHA-256 of `s`, in hex: the form a secret is stored and looked up in.
pub(crate) fn digest(s: &str) -> String {
    sha256_hex(s.as_bytes())
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Equality that takes the same time wherever the first difference is (for the CSRF token comparison).
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc_is_the_fips_180_vector() {
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let t = new("keel_");
        assert_eq!(t.len(), 5 + 64);
        assert_ne!(t, new("keel_"));
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
