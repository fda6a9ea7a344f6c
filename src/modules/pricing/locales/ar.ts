import type { FareItemCode } from '../fare-items.js';

/** Arabic labels of quote and receipt lines. */
export const ar: Readonly<Record<FareItemCode, string>> = {
  base: 'الأجرة الأساسية',
  distance: 'المسافة',
  time: 'الوقت',
  time_multiplier: 'تعديل أوقات الذروة',
  surge: 'طلب مرتفع',
  minimum_fare: 'استكمال الحد الأدنى للأجرة',
  rounding: 'التقريب',
  bid_adjustment: 'فرق عرض السائق',
  cancellation_fee: 'رسوم الإلغاء',
  stop_waiting: 'الانتظار عند التوقفات',
  previous_dues: 'مستحقات من رحلات سابقة',
};
