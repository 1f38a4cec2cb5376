//! The seven parts of the journey, and the letter that tags each.

/// A part of the book, in reading order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Preparation,
    Guest,
    Drivers,
    Launcher,
    Host,
    Switcher,
    Mastery,
}

impl Part {
    pub const ALL: [Part; 7] = [
        Part::Preparation,
        Part::Guest,
        Part::Drivers,
        Part::Launcher,
        Part::Host,
        Part::Switcher,
        Part::Mastery,
    ];

    /// The letter that opens this part's tags (`G` in `G:030`).
    pub fn letter(self) -> char {
        self.name().chars().next().expect("part names are not empty")
    }

    pub fn name(self) -> &'static str {
        match self {
            Part::Preparation => "Preparation",
            Part::Guest => "Guest",
            Part::Drivers => "Drivers",
            Part::Launcher => "Launcher",
            Part::Host => "Host",
            Part::Switcher => "Switcher",
            Part::Mastery => "Mastery",
        }
    }

    pub fn from_letter(letter: char) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.letter() == letter)
    }

    pub fn from_name(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(name.trim()))
    }
}
