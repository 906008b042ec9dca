/** Fixed vocabularies the seeded company is drawn from (names, places, titles, codes). */

export const companyNames = [
  ["Northwind Labs", "Northwind Labs, Inc."],
  ["Bluefin Analytics", "Bluefin Analytics LLC"],
  ["Copperleaf Health", "Copperleaf Health, Inc."],
  ["Juniper & Vale", "Juniper & Vale Holdings, Inc."]
] as const

export interface Place {
  readonly city: string
  readonly state: string
  readonly postalCode: string
  readonly areaCode: string
  readonly streets: ReadonlyArray<string>
}

export const places: ReadonlyArray<Place> = [
  { city: "New York", state: "NY", postalCode: "10010", areaCode: "212", streets: ["W 23rd St", "Park Ave S", "Broadway", "E 14th St", "Lexington Ave"] },
  { city: "Austin", state: "TX", postalCode: "78701", areaCode: "512", streets: ["W 2nd St", "S Congress Ave", "E 6th St", "Guadalupe St"] },
  { city: "San Francisco", state: "CA", postalCode: "94105", areaCode: "415", streets: ["Market St", "Mission St", "Valencia St", "Folsom St"] },
  { city: "Chicago", state: "IL", postalCode: "60606", areaCode: "312", streets: ["W Madison St", "N Wells St", "W Lake St"] },
  { city: "Seattle", state: "WA", postalCode: "98101", areaCode: "206", streets: ["Pike St", "1st Ave", "Pine St"] },
  { city: "Boston", state: "MA", postalCode: "02110", areaCode: "617", streets: ["Summer St", "Boylston St", "Tremont St"] },
  { city: "Denver", state: "CO", postalCode: "80202", areaCode: "303", streets: ["Larimer St", "Blake St", "17th St"] },
  { city: "Miami", state: "FL", postalCode: "33131", areaCode: "305", streets: ["Brickell Ave", "SW 8th St", "Biscayne Blvd"] },
  { city: "Atlanta", state: "GA", postalCode: "30303", areaCode: "404", streets: ["Peachtree St NE", "Spring St NW"] },
  { city: "Portland", state: "OR", postalCode: "97205", areaCode: "503", streets: ["SW Morrison St", "NW 23rd Ave"] }
]

/** The first `officeCount` places host offices; members live near an office or (remote) anywhere. */
export const officeNames = ["HQ", "Hub", "Studio", "Office"] as const

export const departments: ReadonlyArray<{ readonly name: string; readonly titles: ReadonlyArray<string> }> = [
  { name: "Engineering", titles: ["Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager"] },
  { name: "Product", titles: ["Product Manager", "Senior Product Manager", "Product Designer"] },
  { name: "Sales", titles: ["Account Executive", "Sales Development Representative", "Sales Manager"] },
  { name: "Marketing", titles: ["Marketing Manager", "Content Strategist", "Growth Analyst"] },
  { name: "Finance", titles: ["Accountant", "Financial Analyst", "Payroll Specialist", "Controller"] },
  { name: "People", titles: ["People Partner", "Recruiter", "People Operations Manager"] },
  { name: "Customer Success", titles: ["Customer Success Manager", "Support Specialist", "Implementation Lead"] },
  { name: "Operations", titles: ["Operations Analyst", "Office Manager", "Operations Lead"] }
]

export const givenNames = [
  "Maya", "Daniel", "Priya", "James", "Sofia", "Liam", "Aisha", "Noah", "Elena", "Mateo", "Grace", "Ethan", "Hana", "Lucas",
  "Chloe", "Omar", "Zoe", "Samuel", "Ava", "Kenji", "Isabel", "Marcus", "Leah", "Diego", "Nora", "Ravi", "Emma", "Tariq",
  "Olivia", "Jonah", "Amara", "Felix", "Camila", "Theo", "Mei", "Gabriel", "Ines", "Arjun", "Ruth", "Caleb", "Yara", "Owen",
  "Lucia", "Adrian", "Freya", "Malik", "Sara", "Hugo"
] as const

export const familyNames = [
  "Okafor", "Reyes", "Raman", "Chen", "Nguyen", "Patel", "Garcia", "Kim", "Johnson", "Martinez", "Cohen", "Williams", "Singh",
  "Rossi", "Tanaka", "Brown", "Haddad", "Lopez", "Murphy", "Novak", "Schmidt", "Silva", "Walker", "Yilmaz", "Andersen",
  "Baptiste", "Castillo", "Dubois", "Evans", "Fischer", "Gupta", "Hughes", "Ivanova", "Jensen", "Kowalski", "Larsen", "Mensah",
  "Nakamura", "Oyelaran", "Park"
] as const

export const middleNames = ["Alejandro", "Marie", "Lee", "Rose", "James", "Ann", "Kai"] as const

export const customFieldDefinitions = [
  { label: "T-shirt size", type: "select", options: ["XS", "S", "M", "L", "XL"], cardinality: "single", category: "profile" },
  { label: "Badge number", type: "text", options: [], cardinality: "single", category: "profile" },
  { label: "Cost centers", type: "select", options: ["CC-100", "CC-200", "CC-300", "CC-400"], cardinality: "multiple", category: "finance" },
  { label: "Dietary preference", type: "select", options: ["None", "Vegetarian", "Vegan", "Kosher", "Halal"], cardinality: "single", category: "profile" },
  { label: "Laptop asset tag", type: "text", options: [], cardinality: "single", category: "it" }
] as const

export const deductionTypes = [
  { code: "EQUIPMENT", description: "Repayment for company equipment" },
  { code: "LOAN_REPAYMENT", description: "Repayment of an employee loan" },
  { code: "CHARITY", description: "Charitable giving" },
  { code: "TRANSIT", description: "Post-tax commuter benefit" },
  { code: "GYM", description: "Gym membership" },
  { code: "UNION_DUES", description: "Union dues" },
  { code: "GARNISHMENT", description: "Court-ordered wage garnishment" },
  { code: "OTHER", description: "Other post-tax deduction" }
] as const

export const deductionDescriptions: Readonly<Record<string, ReadonlyArray<string>>> = {
  EQUIPMENT: ["Laptop repayment", "Phone repayment", "Monitor repayment"],
  LOAN_REPAYMENT: ["Relocation advance", "Payroll advance", "Tuition loan"],
  CHARITY: ["Monthly giving match", "United Way pledge"],
  TRANSIT: ["Commuter pass", "Parking"],
  GYM: ["Gym membership"],
  UNION_DUES: ["Union dues"],
  GARNISHMENT: ["Child support order", "Tax levy"],
  OTHER: ["Team event contribution", "Lost badge fee"]
}

export const timeOffPolicies = [
  { name: "Vacation", type: "vacation", status: "active", effective: [2020, 1, 1], deactivation: null, hoursPerYear: 120 },
  { name: "Sick and safe leave", type: "sick", status: "active", effective: [2020, 1, 1], deactivation: null, hoursPerYear: 56 },
  { name: "Parental leave", type: "parental", status: "active", effective: [2021, 7, 1], deactivation: null, hoursPerYear: 480 },
  { name: "Floating holiday (2023)", type: "holiday", status: "inactive", effective: [2023, 1, 1], deactivation: [2023, 12, 31], hoursPerYear: 16 }
] as const

export const timeOffNotes = ["Family trip", "Doctor's appointment", "Moving day", "Wedding", "Long weekend", "Conference", null, null, null] as const

export const webhookDefinitions = [
  { path: "members", status: "opened", eventTypes: ["member.profile.created", "member.profile.updated"] },
  { path: "departments", status: "closed", eventTypes: ["department.created", "department.updated", "department.deleted"] },
  { path: "employment", status: "opened", eventTypes: ["member.employment_state.termination_scheduled", "member.employment_state.termination_canceled"] }
] as const
