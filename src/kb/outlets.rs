//! Which state an outlet is national to, from the host of an article's URL. A national paper or
//! agency writes its own state's officials with bare titles ("وزير الخارجية"), so an article that
//! credits no agency and carries no dateline still tells, through its address, whose officials
//! those are. Pan-Arab and international outlets answer "none" explicitly: they name every
//! state's officials with the state.

use compact_str::CompactString;
use rustc_hash::FxHashMap;

/// Hosts (registrable domains) and country-code top-level domains, each with its state.
#[derive(Debug, Default)]
pub struct Outlets {
    /// Host → the state, or `None` for an outlet national to no state.
    hosts: FxHashMap<String, Option<CompactString>>,
    /// ccTLD (without the dot) → the state.
    tlds: FxHashMap<String, CompactString>,
}

impl Outlets {
    pub(super) fn add_host(&mut self, host: &str, state: Option<&str>) {
        self.hosts.insert(host.to_ascii_lowercase(), state.map(CompactString::from));
    }

    pub(super) fn add_tld(&mut self, tld: &str, state: &str) {
        self.tlds.insert(tld.to_ascii_lowercase(), state.into());
    }

    /// The state of the outlet at `url`: the longest listed domain its host ends with decides
    /// (an explicit "none" included), else its country-code top-level domain.
    pub fn state_of(&self, url: &str) -> Option<CompactString> {
        let host = host(url)?;
        let mut rest = host.as_str();
        loop {
            if let Some(state) = self.hosts.get(rest) {
                return state.clone();
            }
            match rest.split_once('.') {
                Some((_, parent)) if parent.contains('.') => rest = parent,
                _ => break,
            }
        }
        self.tlds.get(host.rsplit('.').next()?).cloned()
    }
}

/// The lower-case host of `url`, without scheme, credentials, port, "www." or a trailing dot.
fn host(url: &str) -> Option<String> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = authority.split(':').next()?.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").map(str::to_string).unwrap_or(host);
    (host.contains('.') && !host.starts_with('.')).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outlets() -> Outlets {
        let mut o = Outlets::default();
        o.add_host("ahram.org.eg", Some("EGY"));
        o.add_host("aljazeera.net", None);
        o.add_tld("eg", "EGY");
        o.add_tld("sa", "SAU");
        o
    }

    #[test]
    fn hosts_reduce_to_their_listed_domain() {
        let o = outlets();
        assert_eq!(o.state_of("https://gate.ahram.org.eg/News/1.aspx").as_deref(), Some("EGY"));
        assert_eq!(o.state_of("http://www.ahram.org.eg:8080/x").as_deref(), Some("EGY"));
        assert_eq!(o.state_of("https://al-jazirah.com./2010/x.htm"), None);
    }

    #[test]
    fn an_explicit_none_wins_over_the_country_code() {
        let o = outlets();
        assert_eq!(o.state_of("https://www.aljazeera.net/news/1"), None);
        assert_eq!(o.state_of("https://spa.gov.sa/123").as_deref(), Some("SAU"));
        assert_eq!(o.state_of("https://youm7.com.eg/x").as_deref(), Some("EGY"));
    }

    #[test]
    fn what_is_not_an_address_has_no_state() {
        let o = outlets();
        for url in ["", "not a url", "https:///x", "https://localhost/x", "https://.eg/"] {
            assert_eq!(o.state_of(url), None, "{url}");
        }
    }
}
