//! Checks an incoming `Article` before anything is extracted or stored: size, emptiness and
//! the publication date, with errors a person can act on.

use crate::proto::Article;
use chrono::NaiveDate;

/// Limits the service and the CLI apply to incoming articles.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted `text`, in bytes.
    pub max_article_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_article_bytes: 1 << 20 }
    }
}

/// Why an article was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArticleError {
    #[error("article text is empty")]
    Empty,
    #[error("article text is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("publishedAt {value:?} is not an RFC 3339 timestamp or a YYYY-MM-DD date")]
    BadDate { value: String },
}

/// Parses `publishedAt`: RFC 3339 ("2019-05-14T09:00:00Z", any offset) or a plain date.
/// The date is the calendar day as written (the dateline the article's "today" refers to).
pub fn parse_published_at(value: &str) -> Result<Option<NaiveDate>, ArticleError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || ArticleError::BadDate { value: value.to_string() };
    let day = value.get(..10).ok_or_else(bad)?;
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| bad())?;
    if value.len() > 10 {
        chrono::DateTime::parse_from_rfc3339(value).map_err(|_| bad())?;
    }
    Ok(Some(date))
}

/// Validates an article against `limits`; returns its publication date when it has one.
pub fn validate(article: &Article, limits: &Limits) -> Result<Option<NaiveDate>, ArticleError> {
    if article.text.len() > limits.max_article_bytes {
        return Err(ArticleError::TooLarge { size: article.text.len(), limit: limits.max_article_bytes });
    }
    if article.text.trim().is_empty() {
        return Err(ArticleError::Empty);
    }
    parse_published_at(&article.published_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_dates_and_timestamps() {
        let d = NaiveDate::from_ymd_opt(2019, 5, 14);
        assert_eq!(parse_published_at("2019-05-14").unwrap(), d);
        assert_eq!(parse_published_at("2019-05-14T00:00:00Z").unwrap(), d);
        assert_eq!(parse_published_at("2019-05-14T23:30:00+03:00").unwrap(), d);
        assert_eq!(parse_published_at("").unwrap(), None);
    }

    #[test]
    fn refuses_malformed_dates() {
        for bad in ["14/05/2019", "2019-13-01", "2019-05-14Tnoon", "٢٠١٩", "2019-5-1"] {
            assert!(matches!(parse_published_at(bad), Err(ArticleError::BadDate { .. })), "{bad}");
        }
    }

    #[test]
    fn refuses_empty_and_oversized_text() {
        let limits = Limits { max_article_bytes: 10 };
        let mut a = Article { text: " \n ".into(), ..Default::default() };
        assert_eq!(validate(&a, &limits), Err(ArticleError::Empty));
        a.text = "لافروف وبومبيو".into();
        assert!(matches!(validate(&a, &limits), Err(ArticleError::TooLarge { .. })));
    }
}
