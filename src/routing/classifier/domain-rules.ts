// Domain rules: weighted words, phrases and patterns per specialist domain; `general` is what is left when none
// of them scores enough. A few forms in other languages catch the subject of text to translate.
import type { Domain } from '../../config/schema.js';
import { pattern, words, type Feature } from './lexicon.js';

/** The domains that have rules; a request is `general` when none of them reaches `DOMAIN_THRESHOLD`. */
export type SpecialistDomain = Exclude<Domain, 'general'>;

export const SPECIALIST_DOMAINS: readonly SpecialistDomain[] = ['medical', 'legal', 'finance', 'science'];

/** The score a domain needs to win over `general`: about one strong cue and one weak one. */
export const DOMAIN_THRESHOLD = 3;

// Related words share a feature, so a domain's score grows with the number of distinct kinds of cue, not with one
// kind repeated (a passage full of drug names is one cue; drugs, symptoms and a diagnosis are three).
export const DOMAIN_RULES: Readonly<Record<SpecialistDomain, readonly Feature[]>> = {
  medical: [
    words(
      4,
      'medical|medicine|clinical|clinician|healthcare|health care|physician|doctor|doctors|nurse|nurses|' +
        'hospital|icu|emergency room|clinic|pharmacist|gp|resident|attending',
    ),
    words(
      3,
      'patient|patients|diagnosis|diagnose|prognosis|symptom|symptoms|chief complaint|presenting with|' +
        'presents with|admitted|discharged|discharge|hospital course',
    ),
    words(
      3,
      'medication|medications|medicines|drug|drugs|dose|dosage|dosing|tablet|tablets|prescription|' +
        'prescribed|antibiotic|antibiotics|vaccine|vaccines|placebo|side effects|supplementation|mg|mg kg|' +
        'amoxicillin|aspirin|insulin|statin|statins|penicillin|ibuprofen|paracetamol|acetaminophen|pharmacy',
    ),
    words(
      3,
      'disease|diseases|syndrome|infection|diabetes|hypertension|cancer|tumor|tumour|asthma|copd|pneumonia|' +
        'sepsis|stroke|dementia|otitis|migraine|heart disease|fracture|fractures',
    ),
    words(
      3,
      'blood pressure|heart rate|cholesterol|hemoglobin|potassium|sodium|wbc|lab values|normal range|' +
        'coronary|cardiac|chest pain|st elevation|vital signs',
    ),
    words(3, 'donate blood|blood donation|blood donor|blood donors|organ donor'),
    words(3, 'bones|human body|anatomy|skeleton|organ|organs|muscle|muscles'),
    words(3, 'vitamin|vitamins|daily intake|nutrition|nutrient|nutrients|calories|diet'),
    words(2.5, 'sleep|brain|memory decline|cognitive decline|hippocampus'),
    words(
      2,
      'participants|volunteers|cohort|observational|adjusting for|risk factor|risk factors|epidemiology|' +
        'epidemiological',
    ),
    words(
      3,
      'therapy|therapist|cognitive behavioural|cognitive behavioral|cbt|mental health|anxiety|depression|' +
        'psychiatrist|psychologist|surgery|surgeon|immune|immune system',
    ),
    words(2, 'health|blood|headache|headaches|nausea|fever|pain|ventilator|ventilators|trial|randomized|mortality|icd'),
    words(
      3,
      'primary endpoint|endpoint|progression free survival|overall survival|hazard ratio|readmission|' +
        'readmissions|length of stay',
    ),
    words(
      3,
      'nebenwirkungen|efectos secundarios|effets secondaires|paciente|fiebre|médico|arzt|patiente|malattia|' +
        'врач|pharmacie|farmacia|apotheke|krankenhaus|hôpital|hospital',
    ),
    pattern(
      3,
      /mg(?:\b(?<=\b\d+(?:\.\d+)?\s?mg)|\/kg\b(?<=\bmg\/kg))|(?:itis|ectomy|emia)\b(?<=\w{3}(?:itis|ectomy|emia))/,
    ),
  ],
  legal: [
    words(
      4,
      'law|laws|legal|legally|lawyer|lawyers|attorney|attorneys|court|courts|judge|jury|lawsuit|litigation|' +
        'plaintiff|defendant|appellant|appeal',
    ),
    words(
      3.5,
      'contract|contracts|clause|clauses|agreement|amendment|lease|tenant|landlord|licensee|licensor|' +
        'sublicense|terms of service|terms and conditions|privacy policy|governing law|defined terms',
    ),
    words(
      3,
      'statute|statutes|statutory|regulation|regulations|compliance|gdpr|jurisdiction|enforceable|binding|' +
        'arbitration|habeas corpus|statute of limitations|rights|constitution|constitutional',
    ),
    words(
      3,
      'sue|sued|suing|liability|liable|indemnify|indemnification|warranty|warrants|breach|damages|' +
        'liquidated damages|causes of action|complaint|non compete|non disclosure|nda|patent|patents|' +
        'copyright|trademark',
    ),
    words(
      3,
      'felony|misdemeanor|criminal|crime|prosecution|prosecutor|acquitted|hearing|witness|cross examining|' +
        'accused|defense attorney|miranda|custody|immigration officer|will and a trust|estate planning|' +
        'small claims|true threat',
    ),
    words(
      1.5,
      'party|parties|effective date|shall|hereby|thereof|pursuant|deposit|security deposit|employer|' +
        'eviction|trust|enforce|border|verdict',
    ),
    words(3, 'vertrag|gekündigt|contrato|contrat|réu|absolvido|tribunal|abogado|avocat'),
    pattern(3, / v\. [a-z](?<=\b[a-z]+ v\. [a-z])/, '.'),
  ],
  finance: [
    words(
      4,
      'finance|financial|investing|investment|investments|investor|investors|invest|portfolio|stock|stocks|' +
        'bond|bonds|dividend|dividends|shareholders|index fund|etf|reits',
    ),
    words(
      3.5,
      'revenue|earnings|eps|ebitda|net income|profit|profits|margin|gross margin|balance sheet|10 k|' +
        'cash flow|free cash flow|quarterly|guidance|forecast|sales|buyback',
    ),
    words(
      3,
      'accounting|accountant|audit|auditor|tax|taxes|irs|deduction|invoice|payment|paid|payee|paycheck|' +
        'budget|budgets|expenses|spending|overspending|savings|save money',
    ),
    words(
      3,
      'bank|banks|banking|credit|credit score|debt|loan|loans|mortgage|interest rate|interest|compounded|' +
        'principal|borrower|refinance|default rate|escrow',
    ),
    words(
      3,
      'inflation|economy|economic|economics|gdp|recession|unemployment|minimum wage|central bank|hawkish|' +
        'dovish|policy rate|basis points',
    ),
    words(
      3,
      'retirement|retiree|ira|roth|401|crypto|bitcoin|trader|trading|wall street|ticker|market|markets|' +
        'black monday|black scholes|call option|options|npv|net present value|cagr|irr|roi',
    ),
    words(3, 'runway|burn rate|fundraising|valuation|venture capital'),
    words(3, 'shares of|share price|stock price|shares|trades|transactions|account balance'),
    words(
      2,
      'startup|funding|insurance|renting|buying a home|growth|financial analyst|corporate banking|risk modelling',
    ),
    words(1.5, 'money|dollars|price|prices|pricing|cost|costs'),
    words(3, 'zins|zinsen|aktienkurs|gewinnwarnung|juros|inflação|tasso|mutuo|banco|finanzas|ingresos'),
    pattern(1, /\$\s?\d|€\s?\d|\d\s?(?:usd|eur|gbp)\b/, '$€0123456789'),
  ],
  science: [
    words(
      4,
      'science|scientific|scientist|scientists|physics|chemistry|biology|astronomy|geology|ecology|' +
        'neuroscience|genetics|astrophysics|biochemistry',
    ),
    words(
      3,
      'quantum|atom|atoms|molecule|molecules|electron|electrons|proton|photon|particle|particles|' +
        'entanglement|wavelength|speed of light|thermodynamics|entropy|gravity|velocity|acceleration|momentum|' +
        'air resistance|air drag|projectile|force|energy|heat equation',
    ),
    words(
      3,
      'photosynthesis|mitochondria|mitochondrion|protein|proteins|enzyme|enzymes|cell|cells|cell lines|' +
        'red blood cell|species|evolution|ecosystem|fossil|organism|organisms',
    ),
    words(
      3,
      'dna|rna|gene|genes|genome|genomes|genome editing|gene editing|crispr|cas9|sequencing|fasta|' +
        'gc content|mutation|mutations',
    ),
    words(
      3,
      'planet|planets|moon|moons|galaxy|galaxies|universe|black hole|black holes|orbit|solar|solar system|' +
        'eclipse|exoplanet|telescope|nasa|esa|apollo|redshift|big bang|deep space|outer space|cosmos|' +
        'astronaut|spacecraft|corona|neutron star|supernova',
    ),
    words(
      3,
      'chemical|reaction|solvent|molarity|nacl|acid|acids|element|elements|noble gas|periodic table|toluene|' +
        'alloy|isotope|radioactive|half life|radium|atomic number|atomic numbers',
    ),
    words(
      3,
      'ocean heat|ocean warming|ocean temperature|sea level|warming trend|global warming|carbon dioxide|co2|' +
        'greenhouse|boiling point|freezing point|melting point|altitude|atmospheric pressure',
    ),
    words(
      3,
      'climate|volcano|earthquake|earthquakes|tectonics|plate tectonics|microplastics|seasons|sky|' +
        'atmosphere|geological',
    ),
    words(
      2,
      'experiment|hypothesis|newton|einstein|curie|temperature|research|researchers|study|studies|measured|' +
        'sample|samples|field report',
    ),
    words(3, 'photosynthese|enzymen|expérience|hypothèse|reaktionsgeschwindigkeit|temperatur'),
    words(-4, 'science fiction|sci fi'),
  ],
};
