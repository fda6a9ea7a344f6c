import { str, type Catalogue } from './catalogue.js';

/** Arabic texts for push, SMS and e-mail (numbers, money and times through Intl ar-EG). */
export const ar: Catalogue = {
  'sos.contact_alert': (d, f) => ({
    title: `استغاثة: ${str(d.name)} يحتاج إلى المساعدة`,
    body:
      `نداء استغاثة من ${str(d.name)} (${str(d.phone)}) في ${f.time(d.at)}. الموقع: ${str(d.link)}.` +
      `${d.note ? ` ملاحظة: ${str(d.note)}` : ''} — SmartLine`,
  }),
  'sos.acknowledged': () => ({
    title: 'تم استلام نداء الاستغاثة',
    body: 'فريق السلامة اطّلع على نداء الاستغاثة ويتابعه الآن.',
  }),
  'sos.resolved': () => ({ title: 'تم إغلاق نداء الاستغاثة', body: 'أغلق فريق السلامة تنبيه الاستغاثة الخاص بك.' }),
  'safety.stopped': () => ({
    title: 'هل أنت بخير؟',
    body: 'رحلتك متوقفة منذ فترة. اضغط على زر الاستغاثة إذا احتجت إلى المساعدة.',
  }),
  'safety.off_route': () => ({
    title: 'تحقق من المسار',
    body: 'رحلتك خارج المسار المتوقع. اضغط على زر الاستغاثة إذا احتجت إلى المساعدة.',
  }),
  'safety.speeding': () => ({
    title: 'تنبيه سرعة',
    body: 'السائق يقود أسرع من المسموح. اضغط على زر الاستغاثة إذا شعرت بعدم الأمان.',
  }),
  'safety.not_started': () => ({
    title: 'لم تبدأ الرحلة',
    body: 'قبل السائق الرحلة لكنها لم تبدأ بعد. تواصل مع الدعم إذا لزم الأمر.',
  }),
  'trip.otp_locked': () => ({
    title: 'تم قفل رمز الرحلة',
    body: 'أُدخلت رموز خاطئة كثيرة لرحلتك. لا تشارك رمزك قبل أن تركب السيارة، ' + 'وتواصل مع الدعم إذا لم تكن أنت.',
  }),
  'trip.accepted': (d, f) => ({
    title: 'السائق في الطريق',
    body:
      `${str(d.driverName, 'سائقك')} قادم في ${str(d.vehicle, 'سيارة')}، رقم اللوحة ${str(d.plate, '—')}` +
      (typeof d.etaMin === 'number' ? `، على بُعد ${f.number(d.etaMin)} دقيقة تقريبًا.` : '.'),
  }),
  'trip.driver_arriving': (d) => ({
    title: 'سائقك على وشك الوصول',
    body: `${str(d.driverName, 'سائقك')} على بُعد دقيقة تقريبًا. ابحث عن اللوحة ${str(d.plate, '—')}.`,
  }),
  'trip.arrived': (d) => ({
    title: 'وصل سائقك',
    body: `${str(d.driverName, 'سائقك')} ينتظرك عند نقطة الالتقاط (اللوحة ${str(d.plate, '—')}).`,
  }),
  'trip.started': () => ({ title: 'بدأت الرحلة', body: 'بدأت رحلتك. نتمنى لك رحلة آمنة.' }),
  'trip.completed': (d, f) => ({
    title: 'اكتملت الرحلة',
    body: `وصلت إلى وجهتك. الإجمالي: ${f.money(d.total, d.currency)}.`,
  }),
  'trip.cancelled_by_rider': (d, f) => ({
    title: 'ألغى الراكب الرحلة',
    body:
      typeof d.fee === 'number'
        ? `ألغى الراكب الرحلة. تم تحصيل رسوم إلغاء قدرها ${f.money(d.fee, d.currency)} مقابل وقتك.`
        : 'ألغى الراكب هذه الرحلة. أنت متاح لطلبات جديدة.',
  }),
  'trip.cancelled_by_support': (d, f) => ({
    title: 'ألغى فريق الدعم الرحلة',
    body:
      typeof d.fee === 'number'
        ? `ألغى فريق الدعم هذه الرحلة. رسوم الإلغاء: ${f.money(d.fee, d.currency)}.`
        : 'ألغى فريق الدعم هذه الرحلة. لم تُحصَّل أي رسوم.',
  }),
  'trip.no_drivers': () => ({
    title: 'لا يوجد سائقون متاحون',
    body: 'لم نجد سائقًا لرحلتك. يرجى المحاولة مرة أخرى بعد دقائق.',
  }),
  'trip.scheduled': (d, f) => ({
    title: 'تم حجز الرحلة',
    body: `تم حجز رحلتك في ${f.time(d.scheduledAt)}. سنجد لك سائقًا قبل الموعد.`,
  }),
  'trip.scheduled_reminder': (d, f) => ({
    title: 'رحلتك قريبة',
    body: `تذكير: موعد رحلتك المحجوزة ${f.time(d.scheduledAt)}.`,
  }),
  'chat.message': (d) => ({ title: str(d.senderName, 'رسالة جديدة'), body: str(d.text) }),
  'service_request.assigned': (d, f) => ({
    title: 'المساعدة في الطريق',
    body:
      `${str(d.providerName, 'مقدم الخدمة')} قادم في ${str(d.vehicle, 'مركبة')}، رقم اللوحة ${str(d.plate, '—')}` +
      (typeof d.etaMin === 'number' ? `، على بُعد ${f.number(d.etaMin)} دقيقة تقريبًا.` : '.'),
  }),
  'service_request.arrived': (d) => ({
    title: 'وصل مقدم الخدمة',
    body: `${str(d.providerName, 'مقدم الخدمة')} عند سيارتك (اللوحة ${str(d.plate, '—')}).`,
  }),
  'service_request.quoted': (d, f) => ({
    title: 'عرض السعر جاهز',
    body: `قدّم مقدم الخدمة عرض سعر بقيمة ${f.money(d.total, d.currency)} للعمل. وافق عليه في التطبيق لبدء العمل.`,
  }),
  'service_request.completed': (d, f) => ({
    title: 'اكتملت الخدمة',
    body: `تم إنجاز العمل. الإجمالي: ${f.money(d.total, d.currency)}.`,
  }),
  'service_request.cancelled_by_customer': () => ({
    title: 'ألغى العميل المهمة',
    body: 'ألغى العميل هذه المهمة. أنت متاح لطلبات جديدة.',
  }),
  'service_request.cancelled_by_provider': () => ({
    title: 'ألغى مقدم الخدمة المهمة',
    body: 'ألغى مقدم الخدمة المهمة. يمكنك طلب المساعدة مرة أخرى.',
  }),
  'service_request.cancelled_by_support': () => ({
    title: 'ألغى فريق الدعم الطلب',
    body: 'ألغى فريق الدعم طلب الخدمة هذا.',
  }),
  'service_request.no_providers': () => ({
    title: 'لا يوجد مقدمو خدمة متاحون',
    body: 'لم نجد مقدم خدمة لطلبك. يرجى المحاولة مرة أخرى بعد دقائق.',
  }),
  'service_request.quote_approved': (d, f) => ({
    title: 'تمت الموافقة على عرض السعر',
    body: `وافق العميل على عرض سعرك بقيمة ${f.money(d.total, d.currency)}. يمكنك بدء العمل.`,
  }),
  'service_request.quote_declined': (d, f) => ({
    title: 'رُفض عرض السعر',
    body: `رفض العميل عرض سعرك بقيمة ${f.money(d.total, d.currency)}. تُستحق رسوم الحضور فقط.`,
  }),
  'trip.reassigning': () => ({
    title: 'نبحث لك عن سائق آخر',
    body: 'تعذّر على سائقك الوصول. نبحث لك عن سائق آخر للرحلة نفسها وبالأجرة نفسها.',
  }),
  'trip.driver_reserved': () => ({ title: 'تم حجز سائق', body: 'قبل سائق رحلتك المجدولة.' }),
  'trip.driver_confirmed': () => ({ title: 'أكّد السائق', body: 'أكّد سائقك الرحلة وهو في الطريق إليك.' }),
  'trip.backup_search': () => ({
    title: 'نبحث عن سائق بديل',
    body: 'لم يؤكّد السائق المحجوز، لذلك نبحث الآن عن سائق آخر لرحلتك.',
  }),
  'trip.confirm_requested': () => ({
    title: 'أكّد رحلتك المحجوزة',
    body: 'يرجى تأكيد موعد الالتقاط المجدول الآن، وإلا تنتقل الرحلة إلى سائق آخر.',
  }),
  'trip.payment_failed_pay_cash': (d, f) => ({
    title: 'يرجى الدفع نقدًا',
    body: `تعذّر الدفع من محفظتك لهذه الرحلة. يرجى دفع ${f.money(d.amount, d.currency)} نقدًا للسائق.`,
  }),
  'trip.payment_failed_collect_cash': (d, f) => ({
    title: 'حصّل الأجرة نقدًا',
    body: `تعذّر الدفع من محفظة الراكب. حصّل ${f.money(d.amount, d.currency)} نقدًا.`,
  }),
  'wallet.withdrawal_expired': (d, f) => ({
    title: 'انتهت مهلة طلب السحب',
    body: `لم يُنفَّذ طلب سحب ${f.money(d.amount, d.currency)} في الوقت المحدد، وعاد المبلغ إلى محفظتك.`,
  }),
  'wallet.withdrawal_approved': (d, f) => ({
    title: 'تمت الموافقة على السحب',
    body: `تمت الموافقة على سحب ${f.money(d.amount, d.currency)} وهو في الطريق إلى حسابك.`,
  }),
  'wallet.withdrawal_rejected': (d, f) => ({
    title: 'تم رفض السحب',
    body: `تم رفض سحب ${f.money(d.amount, d.currency)}، وعاد المبلغ إلى محفظتك.`,
  }),
  'wallet.deposit_credited': (d, f) => ({
    title: 'تم شحن المحفظة',
    body: `أُضيف ${f.money(d.amount, d.currency)} إلى محفظتك.`,
  }),
  'wallet.deposit_held': (d, f) => ({
    title: 'الشحن قيد المراجعة',
    body: `نراجع شحن ${f.money(d.amount, d.currency)}، وسنخبرك عندما يصبح متاحًا.`,
  }),
  'wallet.deposit_rejected': (d, f) => ({
    title: 'تم رفض الشحن',
    body: `تم رفض شحن ${f.money(d.amount, d.currency)} وسيُعاد المبلغ إلى الدافع.`,
  }),
  'wallet.payout_paid': (d, f) => ({
    title: 'تم تحويل المستحقات',
    body: `تم تحويل ${f.money(d.amount, d.currency)} إلى حساب الاستلام الخاص بك.`,
  }),
  'wallet.payout_failed': (d, f) => ({
    title: 'تعذّر التحويل',
    body: `تعذّر تحويل ${f.money(d.amount, d.currency)}، وعاد المبلغ إلى محفظتك.`,
  }),
  'webhook.endpoint_disabled': (d) => ({
    title: 'تم إيقاف عنوان الويب هوك',
    body: `توقّف إرسال الويب هوك إلى ${str(d.url)}. أصلِح العنوان ثم أعِد تفعيله.`,
  }),
  'wallet.deposit_failed': () => ({ title: 'فشل شحن المحفظة', body: 'لم تتم عملية شحن محفظتك.' }),
  booking_created: (d, f) => ({
    title: 'تم إرسال طلب الحجز',
    body: `حجز ${str(d.serviceType)} في ${f.time(d.startsAt)} بانتظار تأكيد مقدّم الخدمة.`,
  }),
  booking_requested: (d, f) => ({
    title: 'طلب حجز جديد',
    body: `${str(d.serviceType)} في ${f.time(d.startsAt)}. أكّده من التطبيق.`,
  }),
  booking_confirmed: (d, f) => ({
    title: 'تم تأكيد الحجز',
    body: `تم تأكيد ${str(d.serviceType)} في ${f.time(d.startsAt)}.`,
  }),
  booking_started: (d) => ({ title: 'بدأت الخدمة', body: `بدأت خدمة ${str(d.serviceType)}.` }),
  booking_completed: (d) => ({ title: 'اكتملت الخدمة', body: `اكتملت خدمة ${str(d.serviceType)}.` }),
  booking_cancelled: (d, f) => ({
    title: 'تم إلغاء الحجز',
    body: `تم إلغاء ${str(d.serviceType)} في ${f.time(d.startsAt)}.`,
  }),
  booking_reminder: (d, f) => ({ title: 'موعدك قريب', body: `${str(d.serviceType)} يبدأ ${f.time(d.startsAt)}.` }),
};
