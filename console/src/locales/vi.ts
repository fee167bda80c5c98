import type { Texts } from './en';

/** Tiếng Việt. */
export const vi: Texts = {
  app: { title: 'Tin nhắn Marketing', signOut: 'Đăng xuất', language: 'Ngôn ngữ', page: 'Trang', noPage: 'Hãy kết nối một Trang trước', sandboxBadge: 'Sandbox' },
  nav: { pages: 'Trang', topics: 'Chủ đề MM', sequences: 'Chuỗi tin nhắn', pos: 'Thông báo POS', campaigns: 'Chiến dịch', subscribers: 'Người đăng ký', simulator: 'Mô phỏng khách hàng' },
  signIn: { title: 'Đăng nhập', apiKey: 'Khóa API của cửa hàng', hint: 'Khóa chỉ được giữ trong thẻ trình duyệt này.', submit: 'Đăng nhập', invalid: 'Khóa API không tồn tại hoặc đã bị thu hồi' , demoHelp: 'Dùng thử trên máy này (chế độ sandbox)? Tạo một cửa hàng và đăng nhập bằng nó.', shopName: 'Tên cửa hàng', demo: 'Tạo cửa hàng dùng thử', keyOnce: 'Khóa API của cửa hàng, chỉ hiện một lần: hãy lưu lại để đăng nhập lần sau.' },
  common: { save: 'Lưu', cancel: 'Hủy', create: 'Tạo', add: 'Thêm', delete: 'Xóa', status: 'Trạng thái', name: 'Tên', actions: 'Thao tác', loading: 'Đang tải…', none: 'Chưa có gì', yes: 'Có', no: 'Không', refresh: 'Làm mới' },
  pages: {
    title: 'Trang', connect: 'Kết nối Trang', id: 'ID Trang', name: 'Tên Trang', platform: 'Nền tảng', token: 'Mã truy cập Trang',
    adAccount: 'ID tài khoản quảng cáo (để gửi chiến dịch)', systemUserToken: 'Mã người dùng hệ thống', currency: 'Tiền tệ', price: 'Giá mỗi tin nhắn (đơn vị nhỏ nhất)',
    ready: 'Sẵn sàng gửi chiến dịch', needs: 'Còn thiếu', needAdAccount: 'tài khoản quảng cáo', needSystemToken: 'mã người dùng hệ thống', needPrice: 'giá mỗi tin nhắn',
    transferred: 'Đã chuyển cho cửa hàng khác',
  },
  topics: {
    title: 'Chủ đề MM', new: 'Chủ đề mới', topicTitle: 'Tiêu đề', imageUrl: 'Ảnh (URL https)', cta: 'Chữ trên nút', active: 'Đang dùng',
    counter: '{{count}} / {{max}} ký tự (theo cách Meta đếm)', preview: 'Messenger hiển thị thế này', subscribers: 'Người đăng ký',
    counts: { active: 'đang nhận', stopped: 'đã dừng', unsubscribed: 'đã hủy', expired: 'hết hạn', invalid: 'không hợp lệ', unlisted: 'không còn trong danh sách' },
    defaultCta: 'Nhận tin nhắn',
  },
  sequences: {
    title: 'Chuỗi tin nhắn', new: 'Chuỗi mới', steps: 'Các bước', addText: 'Thêm tin nhắn', addMm: 'Thêm nút MM', text: 'Nội dung', topic: 'Chủ đề (nút MM)',
    delay: 'Chờ (giây)', stepText: 'Tin nhắn văn bản', stepOptin: 'Nút MM', remove: 'Xóa bước',
  },
  pos: {
    title: 'Thông báo POS', add: 'Thêm', topic: 'Chủ đề', orderStatus: 'Trạng thái đơn', page: 'Trang FB', sequence: 'Chuỗi tin nhắn', activate: 'Kích hoạt',
    activeOn: 'Đang bật', activeOff: 'Đang tắt', dispatched: 'Đã kích hoạt', sent: 'Đã gửi', subscribed: 'Đã đăng ký', skipped: 'Bỏ qua', skippedEvents: 'Sự kiện bị bỏ qua',
    reminder: 'Đừng quên Kích hoạt',
  },
  campaigns: {
    title: 'Chiến dịch', new: 'Chiến dịch mới', name: 'Tên', text: 'Tin nhắn', topic: 'Chủ đề', budget: 'Ngân sách (đơn vị nhỏ nhất)', budgetType: 'Loại ngân sách',
    daily: 'Hằng ngày', lifetime: 'Trọn đời', preview: 'Xem trước', audience: 'Số người nhận', estimate: 'Ước tính', ours: 'Của chúng tôi', meta: 'Của Meta',
    schedule: 'Lên lịch', asap: 'Sớm nhất Meta cho phép', at: 'Vào một thời điểm', localHour: 'Theo giờ địa phương của từng người nhận', localTime: 'Giờ địa phương (HH:mm)', date: 'Ngày',
    pause: 'Tạm dừng', resume: 'Tiếp tục', cancelCampaign: 'Hủy chiến dịch', progress: 'Tiến độ', sent: 'Đã gửi', delivered: 'Đã nhận', read: 'Đã đọc', failed: 'Thất bại',
    skipped: 'Bỏ qua', pending: 'Đang chờ', cost: 'Chi phí', of: 'trên', noBudget: 'không có ngân sách', timeLeft: 'Thời gian còn lại', seconds: '{{count}} giây', sendsOverTime: 'Số tin gửi theo thời gian',
    byReason: 'Thất bại và bỏ qua theo lý do', open: 'Mở',
    status: { draft: 'Nháp', scheduled: 'Đã lên lịch', running: 'Đang chạy', paused: 'Tạm dừng', completed: 'Hoàn tất', canceled: 'Đã hủy' },
    warmUp: 'Meta chờ {{minutes}} phút từ khi tạo chiến dịch đến tin đầu tiên.',
  },
  subscribers: { title: 'Người đăng ký', topic: 'Chủ đề', filter: 'Trạng thái', all: 'Tất cả', search: 'Tìm theo PSID', unsubscribe: 'Hủy đăng ký', psid: 'PSID', since: 'Từ' },
  simulator: {
    title: 'Mô phỏng khách hàng (chỉ sandbox)', intro: 'Đóng vai khách hàng của Trang trong sandbox đi kèm: không có gì ở đây đến Meta.', person: 'PSID khách hàng', write: 'Nhắn tin cho Trang',
    message: 'Tin nhắn', send: 'Gửi', tap: 'Bấm nút MM', stop: 'Gửi STOP', resume: 'Gửi RESUME', inbox: 'Khách hàng đã nhận', done: 'Xong',
    demoTitle: 'Cài đặt demo: rút ngắn thời gian chờ chiến dịch của Meta', demoHelp: 'Chỉ trong sandbox. Meta yêu cầu chờ một giờ từ khi tạo chiến dịch đến tin đầu tiên; để demo, sandbox có thể chờ ít hơn. Bị từ chối khi dùng Meta thật.',
    demoSeconds: 'Thời gian chờ (giây)', demoOn: 'Chờ demo: {{seconds}} giây', demoOff: 'Một giờ của Meta', apply: 'Áp dụng', notSandbox: 'Trình mô phỏng chỉ có ở chế độ sandbox (chưa cấu hình Meta).',
  },
  reasons: {
    window_closed: 'Khách hàng chưa nhắn cho Trang trong 24 giờ qua', never_wrote: 'Khách hàng chưa từng nhắn cho Trang', expired: 'Cửa sổ 24 giờ đã hết',
    already_subscribed: 'Đã đăng ký chủ đề này', request_pending: 'Một yêu cầu đăng ký đang chờ trả lời', same_title_within_7_days: 'Chủ đề này đã được hỏi trong 7 ngày qua',
    page_restricted: 'Trang đang bị Meta hạn chế', topic_inactive: 'Chủ đề đang tắt', refused_by_meta: 'Meta từ chối', already_messaged: 'Hôm nay đã nhận một tin marketing',
    meta_12h_spacing: 'Meta yêu cầu cách nhau 12 giờ', frequency_capped: 'Giới hạn tần suất của Meta', not_subscribed: 'Không còn đăng ký', token_expired: 'Đăng ký đã hết hạn',
    budget_reached: 'Đã hết ngân sách', daily_budget_reached: 'Đã hết ngân sách hôm nay', subscriber_stopped: 'Khách hàng đã gửi STOP', too_many_attempts: 'Thất bại quá nhiều lần',
    recipient_region_not_allowed: 'Meta không gửi đến khu vực của khách hàng', person_unavailable: 'Không liên lạc được với khách hàng', timeout: 'Meta không trả lời kịp', send_outcome_unknown: 'Không rõ đã đến hay chưa',
    lease_expired: 'Tiến trình dừng khi đang gửi', user_blocked: 'Khách hàng đã chặn Trang', stopped: 'Khách hàng đã gửi STOP',
  },
  errors: {
    validation_failed: 'Vui lòng kiểm tra các ô được đánh dấu', not_found: 'Không tìm thấy', unauthorized: 'Vui lòng đăng nhập lại', page_exists: 'Trang này đã được kết nối',
    token_not_for_page: 'Mã này không phải của Trang này', token_cannot_use_ad_account: 'Mã này không dùng được tài khoản quảng cáo đó', meta_unavailable: 'Không kết nối được Meta; hãy thử lại',
    warm_up_required: 'Meta cần một giờ sau khi tạo chiến dịch: hãy bắt đầu từ {{earliestStart}}', campaign_not_draft: 'Chỉ bản nháp mới đổi được như vậy',
    sandbox_only: 'Chỉ trong chế độ sandbox (không dùng với Meta thật)', nothing_to_tap: 'Trang chưa gửi nút MM cho khách hàng này', window_closed: 'Khách hàng chưa nhắn trong 24 giờ qua',
    sequence_lacks_optin_step: 'Chuỗi tin nhắn phải có nút MM cho chủ đề này', topic_title_taken: 'Đã có chủ đề với tiêu đề này', topic_payload_taken: 'Đã có chủ đề với payload này', sequence_in_use: 'Một quy tắc POS đang dùng chuỗi này',
    conflict: 'Đã tồn tại', in_use: 'Vẫn đang được dùng', internal: 'Đã có lỗi xảy ra', generic: 'Yêu cầu thất bại ({{code}})',
  },
  rules: {
    isNotEmpty: 'Bắt buộc', isDefined: 'Bắt buộc', isLength: 'Độ dài không hợp lệ', maxLength: 'Quá dài', minLength: 'Quá ngắn', metaText: 'Quá dài đối với Meta', isUrl: 'Phải là URL https',
    matches: 'Sai định dạng', isInt: 'Phải là số nguyên', min: 'Quá nhỏ', max: 'Quá lớn', isIn: 'Không thuộc các giá trị cho phép', isEnum: 'Không thuộc các giá trị cho phép',
    isMinorUnits: 'Phải là số nguyên theo đơn vị nhỏ nhất', whitelistValidation: 'Trường không được phép', isCurrencyCode: 'Dùng mã ISO 4217, ví dụ VND', isUUID: 'Hãy chọn một mục',
  },
};
