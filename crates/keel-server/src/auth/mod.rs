//! Who is calling: passwords, secrets (session cookies, CSRF and API tokens), the login rate limit, and the
//! extractor that turns a request's cookie or bearer token into a [`Caller`].

pub(crate) mod caller;
pub(crate) mod password;
pub(crate) mod ratelimit;
pub(crate) mod secret;

pub(crate) use caller::{Caller, Role};
