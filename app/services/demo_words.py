"""Word lists for the demo ledger: names, streets, cities and phone ranges per country.

Each city carries the landline pattern of its area (mobiles are per country). Phone patterns are
national significant numbers: `#` is any digit, `[a-b]` a digit in a..b, other
characters are copied (spaces group the digits for display). Every range was checked with
`phonenumbers.is_valid_number` for its country; tests/services/test_demo.py keeps it that way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CountryWords:
    code: str
    calling_code: str
    languages: tuple[str, ...]
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    cities: tuple[tuple[str, str, str], ...]  # (postal code, city, landline pattern)
    street: str  # format with {n} and {name}
    street_names: tuple[str, ...]
    smb: tuple[str, ...]  # company name patterns with {s} surname, {c} city, {r} region
    key: tuple[str, ...]
    public: tuple[str, ...]
    regions: tuple[str, ...]
    mobile: tuple[str, ...]


FR = CountryWords(
    "FR", "33", ("fr",),
    ("Camille", "Nicolas", "Julie", "Thomas", "Sandrine", "Philippe", "Nathalie", "Laurent",
     "Isabelle", "Stéphane", "Céline", "Sébastien", "Aurélie", "Olivier", "Émilie", "Franck"),
    ("Lefèvre", "Martin", "Bernard", "Durand", "Moreau", "Lambert", "Girard", "Roux", "Fournier",
     "Mercier", "Blanc", "Garnier", "Chevalier", "Rousseau", "Faure", "Gauthier", "Perrin",
     "Morel", "Bonnet", "Dupuis", "Marchand", "Lemoine", "Barbier", "Renaud"),
    (("75011", "Paris", "1 ## ## ## ##"), ("69003", "Lyon", "4 [1-9]# ## ## ##"),
     ("13008", "Marseille", "4 [1-9]# ## ## ##"), ("44000", "Nantes", "2 [3-5]# ## ## ##"),
     ("33000", "Bordeaux", "5 [1-5]# ## ## ##"), ("31000", "Toulouse", "5 [1-5]# ## ## ##"),
     ("59000", "Lille", "3 ## ## ## ##"), ("67000", "Strasbourg", "3 ## ## ## ##"),
     ("35000", "Rennes", "2 [3-5]# ## ## ##"), ("21000", "Dijon", "3 ## ## ## ##"),
     ("37000", "Tours", "2 [3-5]# ## ## ##"), ("63000", "Clermont-Ferrand", "4 [1-9]# ## ## ##"),
     ("49000", "Angers", "2 [3-5]# ## ## ##"), ("76000", "Rouen", "2 [3-5]# ## ## ##"),
     ("87000", "Limoges", "5 [1-5]# ## ## ##"), ("29200", "Brest", "2 [3-5]# ## ## ##")),
    "{n} {name}",
    ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta",
     "rue du Commerce", "avenue de la Gare", "rue des Tanneurs", "zone artisanale des Landes",
     "rue Pasteur", "allée des Tilleuls", "rue du Général de Gaulle", "quai des Chartrons"),
    ("Boulangerie {s}", "Garage {s}", "Transports {s}", "{s} et Fils", "Menuiserie {s} SARL",
     "Pharmacie {s}", "Imprimerie {s}", "Électricité {s} SAS", "Cabinet {s}", "Fromagerie {s}",
     "Plomberie {s} SARL", "Hôtel {s}", "Librairie {s}", "Paysages {s}", "{s} Bâtiment SAS"),
    ("Groupe {s}", "{s} Industrie SA", "{s} Distribution SAS", "Compagnie {s}",
     "{s} Logistique SA"),
    ("Hôpital de {c}", "Mairie de {c}", "Lycée professionnel de {c}", "CHU de {c}",
     "Conseil départemental ({r})", "Université de {c}", "Métropole de {c}"),
    ("Loire-Atlantique", "Gironde", "Rhône", "Nord", "Bas-Rhin", "Ille-et-Vilaine", "Finistère"),
    ("6 [4-8]# ## ## ##", "7 [5-8]# ## ## ##"),
)

BE_FR = CountryWords(
    "BE", "32", ("fr",),
    ("Luc", "Marie", "Nathalie", "Anne", "Olivier", "Sophie", "Michel", "Isabelle"),
    ("Dubois", "Lambert", "Dupont", "Lemaire", "Martin", "Simon", "Laurent", "Leroy", "Renard"),
    (("1000", "Bruxelles", "2 [2-7]## ## ##"), ("4000", "Liège", "4 [2-3]## ## ##"),
     ("5000", "Namur", "81 ## ## ##"), ("6000", "Charleroi", "71 ## ## ##"),
     ("7000", "Mons", "65 ## ## ##")),
    "{name} {n}",
    ("Rue Neuve", "Avenue Louise", "Chaussée de Wavre", "Rue de Namur", "Boulevard d'Avroy"),
    ("Boulangerie {s}", "Garage {s} SRL", "Brasserie {s}", "Menuiserie {s} SRL",
     "Transports {s} SA"),
    ("Groupe {s} SA", "{s} Industries SA"),
    ("Ville de {c}", "CHU de {c}", "Province de {r}", "Université de {c}"),
    ("Hainaut", "Liège", "Namur", "Brabant wallon", "Luxembourg"),
    ("47# ## ## ##", "48# ## ## ##", "49# ## ## ##"),
)

BE_NL = CountryWords(
    "BE", "32", ("nl",),
    ("Pieter", "Sofie", "Jan", "Koen", "Bart", "Els", "Wim", "An"),
    ("Peeters", "Janssens", "Maes", "Jacobs", "Claes", "Wouters", "Goossens", "De Smet"),
    (("2000", "Antwerpen", "3 [2-8]## ## ##"), ("9000", "Gent", "9 [2-4]## ## ##"),
     ("8000", "Brugge", "50 ## ## ##"), ("3000", "Leuven", "16 ## ## ##"),
     ("2800", "Mechelen", "15 ## ## ##")),
    "{name} {n}",
    ("Kerkstraat", "Stationsstraat", "Meir", "Nieuwstraat", "Veldstraat"),
    ("Bakkerij {s}", "{s} Bouw BV", "Transport {s} BV", "{s} & Zonen", "Garage {s} BV"),
    ("{s} Group NV", "{s} Holding NV"),
    ("Stad {c}", "UZ {c}", "Provincie {r}", "AZ {c}"),
    ("Antwerpen", "Limburg", "Oost-Vlaanderen", "West-Vlaanderen"),
    ("47# ## ## ##", "48# ## ## ##", "49# ## ## ##"),
)

DE = CountryWords(
    "DE", "49", ("de",),
    ("Andreas", "Sabine", "Michael", "Katrin", "Stefan", "Julia", "Thomas", "Anja", "Markus",
     "Claudia", "Jörg", "Petra"),
    ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
     "Hoffmann", "Koch", "Richter", "Klein", "Wolf"),
    (("10115", "Berlin", "30 ########"), ("80331", "München", "89 ########"),
     ("20095", "Hamburg", "40 ########"), ("50667", "Köln", "221 #######"),
     ("60311", "Frankfurt am Main", "69 ########"), ("70173", "Stuttgart", "711 #######"),
     ("04109", "Leipzig", "341 #######"), ("28195", "Bremen", "421 #######")),
    "{name} {n}",
    ("Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gartenweg", "Schillerstraße",
     "Lindenallee", "Am Markt", "Goethestraße"),
    ("{s} Logistik GmbH", "Bäckerei {s}", "{s} & {s2} KG", "{s} Metallbau GmbH",
     "Autohaus {s}", "{s} Elektrotechnik GmbH", "Druckerei {s}"),
    ("{s} AG", "{s} Gruppe GmbH", "{s} Industrie AG"),
    ("Stadtwerke {c}", "Klinikum {c}", "Stadt {c}", "Landratsamt {r}", "Universität {c}"),
    ("Oberbayern", "Breisgau", "Rhein-Sieg", "Harz"),
    ("151 ########", "171 #######"),
)

ES = CountryWords(
    "ES", "34", ("es",),
    ("Javier", "María", "Carlos", "Lucía", "Antonio", "Carmen", "David", "Laura", "Pablo", "Elena"),
    ("García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Díaz",
     "Moreno", "Navarro", "Torres"),
    (("28013", "Madrid", "91# ## ## ##"), ("08002", "Barcelona", "93# ## ## ##"),
     ("46002", "Valencia", "96# ## ## ##"), ("41001", "Sevilla", "95# ## ## ##"),
     ("50001", "Zaragoza", "976 ## ## ##"), ("48001", "Bilbao", "944 ## ## ##"),
     ("29001", "Málaga", "95# ## ## ##")),
    "{name}, {n}",
    ("Calle Mayor", "Avenida de la Constitución", "Calle del Sol", "Paseo de Gracia",
     "Calle San Vicente", "Gran Vía"),
    ("Construcciones {s} S.L.", "Distribuciones {s} S.A.", "Talleres {s} S.L.",
     "Panadería {s}", "Transportes {s} S.L."),
    ("Grupo {s} S.A.", "{s} Industrial S.A."),
    ("Ayuntamiento de {c}", "Hospital Universitario de {c}", "Diputación de {r}"),
    ("Valencia", "Sevilla", "Zaragoza", "Bizkaia"),
    ("6## ## ## ##",),
)

IT = CountryWords(
    "IT", "39", ("it",),
    ("Marco", "Giulia", "Luca", "Francesca", "Andrea", "Chiara", "Paolo", "Elena", "Matteo",
     "Sara"),
    ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
     "Greco", "Bruno", "Gallo"),
    (("20121", "Milano", "02 #### ####"), ("00184", "Roma", "06 [0-5]### ####"),
     ("10121", "Torino", "011 ### ####"), ("40121", "Bologna", "051 ### ####"),
     ("50122", "Firenze", "055 ### ####"), ("35121", "Padova", "049 ### ####"),
     ("16121", "Genova", "010 ### ####")),
    "{name} {n}",
    ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Viale Europa", "Via Dante"),
    ("{s} Costruzioni S.r.l.", "Ferramenta {s}", "Trasporti {s} S.r.l.", "Panificio {s}",
     "{s} Impianti S.r.l."),
    ("{s} S.p.A.", "Gruppo {s} S.p.A."),
    ("Comune di {c}", "Azienda Ospedaliera di {c}", "Provincia di {r}", "Università di {c}"),
    ("Bergamo", "Brescia", "Verona", "Modena"),
    ("33# ### ####", "34# ### ####"),
)

NL = CountryWords(
    "NL", "31", ("nl",),
    ("Daan", "Sanne", "Jeroen", "Lotte", "Bram", "Eva", "Ruben", "Anouk", "Sven", "Femke"),
    ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
     "de Boer", "Mulder", "Bos", "Vos"),
    (("1012 AB", "Amsterdam", "20 ### ####"), ("3011 AD", "Rotterdam", "10 ### ####"),
     ("2511 CV", "Den Haag", "70 ### ####"), ("3511 LX", "Utrecht", "30 ### ####"),
     ("5611 AZ", "Eindhoven", "40 ### ####"), ("9711 LM", "Groningen", "50 ### ####")),
    "{name} {n}",
    ("Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Industrieweg", "Marktplein"),
    ("{s} Installatietechniek B.V.", "Bakkerij {s}", "Transportbedrijf {s} B.V.",
     "{s} Bouw B.V.", "Drukkerij {s}"),
    ("{s} Groep N.V.", "{s} Holding B.V."),
    ("Gemeente {c}", "Ziekenhuis {c}", "Provincie {r}", "Hogeschool {c}"),
    ("Utrecht", "Gelderland", "Noord-Brabant", "Zeeland"),
    ("6 [1-5]#######",),
)

GB = CountryWords(
    "GB", "44", ("en",),
    ("James", "Emma", "Oliver", "Sophie", "Harry", "Charlotte", "George", "Amelia", "Jack",
     "Lucy"),
    ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts",
     "Walker", "Wright", "Hughes"),
    (("EC1A 1BB", "London", "20 [7-8]### ####"), ("M1 1AE", "Manchester", "161 ### ####"),
     ("B1 1BB", "Birmingham", "121 4## ####"), ("LS1 4DY", "Leeds", "113 [2-4]## ####"),
     ("BS1 4DJ", "Bristol", "117 9## ####"), ("RG1 1AF", "Reading", "118 9## ####")),
    "{n} {name}",
    ("High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "King Street"),
    ("{r} Supplies Ltd", "{s} & Sons Ltd", "{s} Engineering Ltd", "{s} Bakery", "{r} Freight Ltd",
     "{s} Joinery Ltd"),
    ("{s} Holdings plc", "{s} Group plc"),
    ("{c} City Council", "{c} NHS Foundation Trust", "University of {c}", "{r} County Council"),
    ("Thames Valley", "Pennine", "Cotswold", "Severn", "Wessex", "Humber"),
    ("7[3-4][0-3]# ######", "78[0-1]# ######"),
)

IE = CountryWords(
    "IE", "353", ("en",),
    ("Seán", "Aoife", "Conor", "Niamh", "Ciarán", "Siobhán", "Declan", "Róisín"),
    ("Murphy", "Kelly", "O'Brien", "Walsh", "Byrne", "Ryan", "O'Connor", "Doyle", "McCarthy"),
    (("D02 X285", "Dublin", "1 ### ####"), ("T12 R2NC", "Cork", "21 ### ####"),
     ("H91 E2K5", "Galway", "91 ## ####"), ("V94 T9PX", "Limerick", "61 ## ####")),
    "{n} {name}",
    ("Main Street", "Church Road", "Grafton Street", "Patrick Street", "Shop Street"),
    ("{s} Hardware Ltd", "{r} Logistics DAC", "{s} Builders Ltd", "{s} Pharmacy"),
    ("{s} Group plc",),
    ("{c} City Council", "{r} County Council", "University Hospital {c}"),
    ("Kerry", "Wicklow", "Donegal", "Mayo"),
    ("8[5-7] ### ####",),
)

US = CountryWords(
    "US", "1", ("en",),
    ("Michael", "Jennifer", "Robert", "Jessica", "William", "Ashley", "Daniel", "Sarah"),
    ("Johnson", "Miller", "Davis", "Anderson", "Jackson", "Harris", "Clark", "Lewis", "Young"),
    (("10001", "New York", "212 [2-9]##-####"), ("60601", "Chicago", "312 [2-9]##-####"),
     ("94105", "San Francisco", "415 [2-9]##-####"), ("02108", "Boston", "617 [2-9]##-####")),
    "{n} {name}",
    ("Main Street", "Market Street", "Oak Avenue", "Lake Shore Drive", "Washington Street"),
    ("{s} Industries Inc.", "{r} Supply Co.", "{s} & Partners LLC"),
    ("{s} Corporation",),
    ("City of {c}", "{c} Public Schools"),
    ("Midwest", "Pacific", "Atlantic", "Great Lakes"),
    ("212 [2-9]##-####", "415 [2-9]##-####"),
)

# EUR debtors by country (weights); GBP debtors are in GB, USD debtors in the US.
EUR_COUNTRIES: tuple[tuple[CountryWords, float], ...] = (
    (FR, 0.55), (BE_FR, 0.05), (BE_NL, 0.05), (DE, 0.10), (ES, 0.08), (IT, 0.08), (NL, 0.06),
    (IE, 0.03),
)
BY_CURRENCY_ABROAD = {"GBP": GB, "USD": US}
ALL_COUNTRIES = (FR, BE_FR, BE_NL, DE, ES, IT, NL, GB, IE, US)

CONTACT_ROLES = {
    "fr": ("Comptabilité fournisseurs", "Directeur financier", "Gérant", "Assistante de direction"),
    "nl": ("Crediteurenadministratie", "Financieel directeur", "Eigenaar", "Office manager"),
    "de": ("Kreditorenbuchhaltung", "Finanzleiter", "Geschäftsführer", "Einkauf"),
    "es": ("Cuentas a pagar", "Director financiero", "Gerente", "Administración"),
    "it": ("Contabilità fornitori", "Direttore finanziario", "Titolare", "Amministrazione"),
    "en": ("Accounts payable", "CFO", "Managing director", "Office manager"),
}
