//! The bundled offline coordinate table (`geo/countries.txt`: ~200 countries and territories
//! with their capital's coordinates and a rough radius; `geo/cities.txt`: ~120 major cities).
//! It resolves the API's `location` (`countryName`, `city`, optionally a `lat,lon` in `geo`) to
//! a point and a precision, for impossible-travel speeds, and normalizes country spellings
//! ("Iran, Islamic Republic of", "Iran", "IR") to ISO 3166 codes for the risky-country list.
//!
//! Precision: a listed city is placed within a few km (its centre; the error is the metro
//! area, ~30 km); an unlisted city falls back to the country's capital, whose error is up to the
//! country's `radius_km` (e.g. 2,800 km for the United States). The travel fact reports the
//! distance *minus* both ends' uncertainty, so the speed it gives is a lower bound.

use std::collections::HashMap;
use std::sync::OnceLock;

const COUNTRIES: &str = include_str!("geo/countries.txt");
const CITIES: &str = include_str!("geo/cities.txt");

/// Error radius of a city-level position (km).
pub const CITY_RADIUS_KM: f64 = 30.0;

#[derive(Clone, Debug)]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
    pub capital: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
    /// How far the true position may be from `lat`/`lon` (km).
    pub radius_km: f64,
    pub precision: Precision,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    City,
    Geo,
    Country,
}

impl Precision {
    pub fn name(self) -> &'static str {
        match self {
            Precision::City => "city",
            Precision::Geo => "geo",
            Precision::Country => "country",
        }
    }
}

pub struct GeoTable {
    pub countries: Vec<Country>,
    /// Lower-case name, alias or code → index into `countries`.
    by_name: HashMap<String, usize>,
    /// Names, aliases and codes exactly as written in the table (the fast path).
    by_exact: HashMap<&'static str, usize>,
    /// (country code, lower-case city) → (lat, lon).
    cities: HashMap<(String, String), (f64, f64)>,
}

fn normalize(text: &str) -> String {
    text.trim().to_lowercase()
}

impl GeoTable {
    fn load() -> GeoTable {
        let mut countries = Vec::new();
        let mut by_name = HashMap::new();
        let mut by_exact = HashMap::new();
        for line in COUNTRIES.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&'static str> = line.split('|').collect();
            if f.len() != 7 {
                continue;
            }
            let (Ok(lat), Ok(lon), Ok(radius_km)) = (
                f[4].parse::<f64>(),
                f[5].parse::<f64>(),
                f[6].parse::<f64>(),
            ) else {
                continue;
            };
            let index = countries.len();
            countries.push(Country {
                code: f[0],
                name: f[1],
                capital: f[3],
                lat,
                lon,
                radius_km,
            });
            by_name.insert(normalize(f[0]), index);
            by_name.insert(normalize(f[1]), index);
            by_exact.insert(f[0], index);
            by_exact.insert(f[1], index);
            for alias in f[2].split(';').filter(|a| !a.trim().is_empty()) {
                by_name.entry(normalize(alias)).or_insert(index);
                by_exact.entry(alias).or_insert(index);
            }
        }
        let mut cities = HashMap::new();
        for line in CITIES.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('|').collect();
            if let [code, city, lat, lon] = f[..] {
                if let (Ok(lat), Ok(lon)) = (lat.parse::<f64>(), lon.parse::<f64>()) {
                    cities.insert((code.to_string(), normalize(city)), (lat, lon));
                }
            }
        }
        // Capitals are cities too.
        for c in &countries {
            cities
                .entry((c.code.to_string(), normalize(c.capital)))
                .or_insert((c.lat, c.lon));
        }
        GeoTable {
            countries,
            by_name,
            by_exact,
            cities,
        }
    }

    pub fn get() -> &'static GeoTable {
        static TABLE: OnceLock<GeoTable> = OnceLock::new();
        TABLE.get_or_init(GeoTable::load)
    }

    /// The country a name, alias or ISO code stands for.
    pub fn country(&self, name: &str) -> Option<&Country> {
        self.by_exact
            .get(name)
            .or_else(|| self.by_name.get(&normalize(name)))
            .and_then(|&i| self.countries.get(i))
    }

    /// Every spelling the table knows (lower case) → ISO code, for `input.facts.geo.codes`.
    pub fn aliases(&self) -> std::collections::BTreeMap<String, String> {
        self.by_name
            .iter()
            .filter_map(|(k, &i)| {
                self.countries
                    .get(i)
                    .map(|c| (k.clone(), c.code.to_string()))
            })
            .collect()
    }

    /// Where an event's location is: its city if listed, else `geo` when it reads as
    /// `lat,lon`, else the country's capital with the country's radius.
    pub fn locate(
        &self,
        country: Option<&str>,
        city: Option<&str>,
        geo: Option<&str>,
    ) -> Option<Point> {
        let c = country.and_then(|n| self.country(n));
        if let (Some(c), Some(city)) = (c, city) {
            if let Some(&(lat, lon)) = self.cities.get(&(c.code.to_string(), normalize(city))) {
                return Some(Point {
                    lat,
                    lon,
                    radius_km: CITY_RADIUS_KM,
                    precision: Precision::City,
                });
            }
        }
        if let Some((lat, lon)) = geo.and_then(parse_lat_lon) {
            return Some(Point {
                lat,
                lon,
                radius_km: CITY_RADIUS_KM,
                precision: Precision::Geo,
            });
        }
        c.map(|c| Point {
            lat: c.lat,
            lon: c.lon,
            radius_km: c.radius_km,
            precision: Precision::Country,
        })
    }
}

/// `"52.52,13.405"` (also with a space or `;`) → (lat, lon) when both are in range.
pub fn parse_lat_lon(text: &str) -> Option<(f64, f64)> {
    let mut parts = text.split([',', ';', ' ']).filter(|p| !p.is_empty());
    let lat: f64 = parts.next()?.trim().parse().ok()?;
    let lon: f64 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon)
    {
        return None;
    }
    Some((lat, lon))
}

/// Great-circle distance in km (haversine, mean Earth radius 6371 km).
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let dlat = lat2 - lat1;
    let dlon = lon2 - lon1;
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_small_and_complete_enough() {
        let t = GeoTable::get();
        assert!(t.countries.len() >= 195, "{}", t.countries.len());
        assert!(COUNTRIES.len() + CITIES.len() < 200_000);
        for name in [
            "Iran, Islamic Republic of",
            "Korea, Democratic People's Republic of",
            "Syrian Arab Republic",
            "Libyan Arab Jamahiriya",
            "north korea",
            "CN",
        ] {
            assert!(t.country(name).is_some(), "{name}");
        }
        assert_eq!(t.country("Iran").map(|c| c.code), Some("IR"));
        assert_eq!(t.country("Korea, Republic of").map(|c| c.code), Some("KR"));
    }

    #[test]
    fn berlin_to_sydney_is_about_16000_km() {
        let t = GeoTable::get();
        let b = t.locate(Some("Germany"), Some("Berlin"), None).unwrap();
        let s = t.locate(Some("Australia"), Some("Sydney"), None).unwrap();
        assert_eq!(b.precision, Precision::City);
        let d = distance_km((b.lat, b.lon), (s.lat, s.lon));
        assert!((15_900.0..16_200.0).contains(&d), "{d}");
        let unknown = t
            .locate(Some("Germany"), Some("Kleinkleckersdorf"), None)
            .unwrap();
        assert_eq!(unknown.precision, Precision::Country);
        let geo = t.locate(None, None, Some("48.1,11.5")).unwrap();
        assert_eq!(geo.precision, Precision::Geo);
    }
}
