//! The kinds of resource an id can name: what a filter's ids and a 404 are about. The store
//! knows each one's table; here it has only the name a person calls it by.

/// A kind of resource with ids: regions, clusters, figures...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Region,
    Cluster,
    ClusterGroup,
    Company,
    CityPlan,
    Speaker,
    Source,
    Indicator,
    Facility,
    Observation,
}

impl Entity {
    /// Every kind, in the order above.
    pub const ALL: [Entity; 10] = [
        Entity::Region,
        Entity::Cluster,
        Entity::ClusterGroup,
        Entity::Company,
        Entity::CityPlan,
        Entity::Speaker,
        Entity::Source,
        Entity::Indicator,
        Entity::Facility,
        Entity::Observation,
    ];

    /// What a person calls one of these, for error messages.
    pub fn noun(self) -> &'static str {
        match self {
            Entity::Region => "region",
            Entity::Cluster => "cluster",
            Entity::ClusterGroup => "cluster group",
            Entity::Company => "company",
            Entity::CityPlan => "city plan",
            Entity::Speaker => "speaker",
            Entity::Source => "source",
            Entity::Indicator => "indicator",
            Entity::Facility => "facility",
            Entity::Observation => "observation",
        }
    }
}
