import type { SiteFormat } from './site-body.ts';
import type { Assortment } from './stock.ts';

/**
 * The OpenStreetMap tag → site mapping of the demo city, one entry per `key=value`. A shop
 * gets the union of what its tags map to (`shop=deli` + `amenity=cafe` is a fresh market that
 * also serves breakfast); a shop none of whose tags is here is skipped. docs/DEMO-CITY.md
 * explains the choices, including the tags deliberately left out.
 *
 * Store rules name the assortment their stock is drawn from; provider rules name the service
 * types they offer (the ids a service order asks for).
 */
export type TagRule =
  | { formats: SiteFormat[]; assortment: Assortment }
  | { formats: SiteFormat[]; services: string[] };

const store = (formats: SiteFormat[], assortment: Assortment): TagRule => ({ formats, assortment });
const provider = (formats: SiteFormat[], services: string[]): TagRule => ({ formats, services });

const PARCEL_SERVICES = ['parcel_dropoff', 'parcel_collection'];

export const TAG_RULES: Readonly<Record<string, TagRule>> = {
  // Everyday groceries. shop=alcohol is left out: in Edinburgh those are wine merchants and
  // whisky shops, not the corner off-licence the 5-minute convenience standard means.
  'shop=convenience': store(['convenience'], 'convenience'),
  'shop=newsagent': store(['convenience'], 'convenience'),
  'shop=kiosk': store(['convenience'], 'convenience'),
  'shop=off_licence': store(['convenience'], 'convenience'),
  'amenity=fuel': store(['convenience'], 'convenience'),
  'shop=supermarket': store(['supermarket'], 'supermarket'),

  // Fresh food.
  'shop=greengrocer': store(['fruit', 'fresh_market'], 'greengrocer'),
  'shop=farm': store(['fresh_market'], 'greengrocer'),
  'shop=butcher': store(['fresh_market'], 'butcher'),
  'shop=seafood': store(['fresh_market'], 'fishmonger'),
  'shop=fishmonger': store(['fresh_market'], 'fishmonger'),
  'shop=deli': store(['fresh_market'], 'deli'),
  'shop=cheese': store(['fresh_market'], 'deli'),
  'shop=bakery': store(['bakery'], 'bakery'),
  'shop=pastry': store(['bakery'], 'bakery'),
  'shop=cake': store(['bakery'], 'bakery'),
  'shop=cakes': store(['bakery'], 'bakery'),

  // Eating out: a café is where the circle gets its breakfast.
  'amenity=cafe': store(['breakfast'], 'cafe'),
  'amenity=fast_food': store(['restaurant'], 'takeaway'),
  'amenity=restaurant': store(['restaurant'], 'takeaway'),

  // Health and books.
  'shop=chemist': store(['pharmacy'], 'pharmacy'),
  'amenity=pharmacy': store(['pharmacy'], 'pharmacy'),
  'healthcare=pharmacy': store(['pharmacy'], 'pharmacy'),
  'shop=books': store(['bookstore'], 'bookstore'),

  // Personal services.
  'shop=hairdresser': provider(['barber'], ['haircut']),
  'shop=barber': provider(['barber'], ['haircut', 'beard_trim']),
  'shop=beauty': provider(['barber'], ['beauty_treatment']),
  'shop=dry_cleaning': provider(['laundry'], ['dry_cleaning', 'laundry']),
  'shop=laundry': provider(['laundry'], ['laundry', 'dry_cleaning']),
  'shop=tailor': provider(['tailoring'], ['alterations', 'tailoring']),
  'craft=tailor': provider(['tailoring'], ['alterations', 'tailoring']),
  'craft=dressmaker': provider(['tailoring'], ['alterations', 'dressmaking']),
  'craft=seamstress': provider(['tailoring'], ['alterations']),

  // Repairs, in the shop or at home.
  'shop=bicycle': provider(['repair'], ['bicycle_repair']),
  'shop=car_repair': provider(['repair'], ['car_repair']),
  'shop=tyres': provider(['repair'], ['tyre_fitting']),
  'shop=computer': provider(['repair'], ['computer_repair']),
  'shop=mobile_phone': provider(['repair'], ['phone_repair']),
  'shop=vacuum_cleaner': provider(['repair'], ['appliance_repair']),
  'shop=shoe_repair': provider(['repair'], ['shoe_repair']),
  'shop=repair': provider(['repair'], ['general_repair']),
  'shop=locksmith': provider(['repair'], ['key_cutting', 'lock_repair']),
  'shop=glaziery': provider(['repair'], ['glazing']),
  'craft=locksmith': provider(['repair'], ['key_cutting', 'lock_repair']),
  'craft=key_cutter': provider(['repair'], ['key_cutting']),
  'craft=shoemaker': provider(['repair'], ['shoe_repair']),
  'craft=electronics_repair': provider(['repair'], ['appliance_repair']),
  'craft=plumber': provider(['repair'], ['plumbing']),
  'craft=electrician': provider(['repair'], ['electrical_repair']),
  'craft=joiner': provider(['repair'], ['joinery']),
  'craft=carpenter': provider(['repair'], ['joinery']),
  'craft=glaziery': provider(['repair'], ['glazing']),
  'craft=roofer': provider(['repair'], ['roof_repair']),

  // Parcels, children, fitness.
  'amenity=post_office': provider(['parcel_station'], PARCEL_SERVICES),
  'shop=parcel': provider(['parcel_station'], PARCEL_SERVICES),
  'amenity=childcare': provider(['childcare'], ['childminding']),
  'amenity=kindergarten': provider(['childcare'], ['childminding']),
  'leisure=fitness_centre': provider(['fitness'], ['gym_session', 'fitness_class']),
  'leisure=sports_centre': provider(['fitness'], ['gym_session', 'fitness_class']),
};

/** The tags read, in this order, so a shop's first format comes from its `shop` tag. */
export const MAPPED_KEYS = ['shop', 'amenity', 'healthcare', 'craft', 'leisure'] as const;

/**
 * Tags that say a shop also repairs what it sells (`shop=car` + `service=repair`). The repair
 * service is named after the shop type; a shop type not listed offers `general_repair`.
 */
export const REPAIR_HINTS: readonly string[] = ['repair=yes', 'service=repair'];
export const BICYCLE_REPAIR_HINTS: readonly string[] = ['bicycle:repair=yes', 'service:bicycle:repair=yes'];
export const ALTERATION_HINTS: readonly string[] = ['tailor:alteration_service=yes'];

export const REPAIR_SERVICE_BY_SHOP: Readonly<Record<string, string>> = {
  bicycle: 'bicycle_repair',
  car: 'car_repair',
  car_repair: 'car_repair',
  computer: 'computer_repair',
  electronics: 'appliance_repair',
  mobile_phone: 'phone_repair',
  shoes: 'shoe_repair',
};
