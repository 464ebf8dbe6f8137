"""Benign hard-negative scenarios (part A).

Innocent conversations that share surface cues with grooming and sextortion: secrets, gifts, game
top-ups, photo requests, meeting up, age questions, money transfers and joking threats. They teach
the model that these cues alone are not risk.
"""

from __future__ import annotations

from training.synth.spec import Scenario, Stage

# --------------------------------------------------------------------------------------------------
# 1. family_surprise: a parent and a child secretly plan a birthday surprise for mom.
# --------------------------------------------------------------------------------------------------
_FAMILY_SURPRISE = Scenario(
    name="family_surprise",
    description=(
        "A father and his child secretly plan a birthday surprise for mom: keep it secret, delete the chat, "
        "meet to buy the gift, send photos of the cake."
    ),
    hard_negative=True,
    roles=("parent", "child"),
    minor_roles=frozenset({"B"}),
    optional=frozenset({"family_surprise.promise", "family_surprise.after"}),
    beats=[
        Stage(
            name="family_surprise.idea",
            role="A",
            families={
                "family_surprise.idea.mom_birthday": [
                    "{name} รู้ป่ะ อาทิตย์หน้าวันเกิดแม่",
                    "วันเกิดแม่ใกล้แล้วนะลูก คิดไว้ยังว่าจะให้อะไร",
                    "ปีนี้พ่ออยากเซอร์ไพรส์วันเกิดแม่ {name}ช่วยพ่อหน่อยได้มั้ย",
                    "{day}วันเกิดแม่ เรามาแอบทำอะไรให้แม่กันดีกว่า",
                    "ช่วยพ่อคิดหน่อย ของขวัญแม่ปีนี้เอาอะไรดี",
                ],
                "family_surprise.idea.party": [
                    "พ่อว่าจะจัดงานเล็กๆ ที่บ้าน ให้แม่ตกใจเล่น เอามั้ย",
                    "จองร้าน{food}ที่แม่ชอบไว้แล้ว แต่แม่ยังไม่รู้",
                    "จะชวน{relative}มาด้วย แต่ทุกคนต้องทำเนียนๆ",
                    "อยากลองทำเค้กเองให้แม่ {name}ช่วยแต่งหน้าเค้กได้ป่ะ",
                    "ตอนแม่กลับจากทำงาน เราปิดไฟรอแล้วร้องเพลงเลย ดีมั้ย",
                ],
            },
        ),
        Stage(
            name="family_surprise.join",
            role="B",
            families={
                "family_surprise.join.yes": [
                    "เอาดิ อยากทำมานานแล้ว",
                    "ได้เลย{P} ให้ช่วยอะไรบอกมา",
                    "จำได้ดิ กำลังจะทักพ่อพอดีเลย",
                    "ดีอ่ะพ่อ เอาด้วยๆ",
                    "ว้าว แม่ต้องดีใจมากแน่ๆ",
                ],
                "family_surprise.join.gift_idea": [
                    "ซื้อกระเป๋าใหม่ให้แม่มั้ย ใบเก่าหูขาดแล้ว",
                    "แม่บ่นอยากได้ต้นไม้มาปลูกหน้าบ้านอ่ะ",
                    "ทำการ์ดวาดเองด้วยได้มั้ย{PQ}",
                    "เก็บตังค์ไว้{amount}บาท เอามาช่วยซื้อของขวัญได้นะ",
                    "เค้กต้องเป็นช็อกโกแลตนะ แม่ชอบ",
                ],
            },
        ),
        Stage(
            name="family_surprise.secret",
            role="A",
            families={
                "family_surprise.secret.dont_tell": [
                    "แต่ห้ามบอกแม่เด็ดขาดนะ เดี๋ยวไม่เซอร์ไพรส์",
                    "เรื่องนี้ความลับของเราสองคนนะ",
                    "อย่าหลุดปากล่ะ แม่ชอบซักถาม",
                    "ถ้าแม่ถามว่าคุยอะไรกับพ่อ บอกว่าเรื่องการบ้านไปก่อน",
                    "เก็บไว้เงียบๆ จนถึงวันเกิดแม่นะ โอเคมั้ย",
                ],
                "family_surprise.secret.delete_chat": [
                    "คุยเสร็จลบแชทด้วยนะ แม่ชอบยืมมือถือ{name}ไปดู",
                    "เดี๋ยวลบข้อความพวกนี้ทิ้งนะ ถ้าแม่เห็นความแตกหมด",
                    "อย่าลืมลบแชทล่ะ แม่รู้รหัสมือถือ{name}",
                    "พ่อตั้งชื่อกลุ่มว่าการบ้านคณิตไว้ แม่จะได้ไม่สนใจ",
                    "ถ้าส่งรูปให้พ่อแล้ว ลบในเครื่องด้วยนะ เดี๋ยวแม่เลื่อนเจอ",
                ],
            },
        ),
        Stage(
            name="family_surprise.promise",
            role="B",
            families={
                "family_surprise.promise.keep": [
                    "ไม่บอกแน่นอน{P} สัญญา",
                    "รูดซิปปากแล้ว",
                    "สบายมาก เก็บความลับเก่งจะตาย",
                    "แม่ไม่รู้แน่ พ่อไม่ต้องห่วง",
                ],
                "family_surprise.promise.deleted": [
                    "ลบแล้ว{P}",
                    "เดี๋ยวลบให้ ไม่มีใครเห็นหรอก",
                    "เมื่อกี้แม่เดินมาข้างหลัง เกือบเห็นแน่ะ",
                    "ซ่อนแชทไว้แล้ว ชิวๆ",
                ],
            },
        ),
        Stage(
            name="family_surprise.meet",
            role="A",
            families={
                "family_surprise.meet.buy": [
                    "{day}เลิกเรียนเจอพ่อที่{place}นะ ไปเลือกของขวัญกัน",
                    "{time} พ่อไปรับที่โรงเรียน แล้วแวะ{place}กันก่อนกลับบ้าน",
                    "เดี๋ยวพาไปซื้อ{gift}ให้แม่ เจอกันที่{place}{time}",
                    "ร้านดอกไม้ที่{place}ปิดหกโมง ต้องไปให้ทันนะ",
                ],
                "family_surprise.meet.cover_story": [
                    "บอกแม่ว่าไปติวกับเพื่อนละกัน เดี๋ยวพ่อไปรับเอง",
                    "ถ้าแม่ถามว่าไปไหน บอกว่าไปซื้อของกับพ่อเฉยๆ",
                    "พ่อจะบอกแม่ว่าพา{name}ไปตัดผม อย่าพูดเกินนะ",
                    "ถ้าแม่โทรมาตอนเราอยู่ร้าน ทำเสียงปกติไว้",
                ],
            },
        ),
        Stage(
            name="family_surprise.meet_ok",
            role="B",
            families={
                "family_surprise.meet_ok.confirm": [
                    "ได้{P} เลิกเรียนสี่โมง",
                    "โอเค รอที่{place}นะพ่อ",
                    "{time}ได้ แต่ต้องรอเพื่อนเลิกซ้อมแป๊บนึง",
                    "เจอกันที่หน้าร้านเลย จะเดินไปเอง",
                ],
                "family_surprise.meet_ok.bring": [
                    "ต้องเอาเงินไปด้วยมั้ย{PQ}",
                    "จะเอากระปุกไปด้วย มีอยู่{amount}",
                    "บอกแม่แล้วว่าไปบ้านเพื่อน แม่ไม่สงสัยเลย",
                    "จะเอาการ์ดที่วาดไปให้พ่อดูด้วย",
                ],
            },
        ),
        Stage(
            name="family_surprise.photo",
            role="A",
            families={
                "family_surprise.photo.ask": [
                    "ถ่ายรูปการ์ดที่วาดส่งมาให้พ่อดูหน่อย",
                    "ถึงร้านเค้กยัง ถ่ายรูปเค้กส่งมาให้ดูหน่อยสิ",
                    "ส่งรูปของขวัญมาก่อน พ่อจะได้หากล่องขนาดพอดี",
                    "เอารูปแม่ตอนเด็กๆ ในอัลบั้มถ่ายส่งมาหน่อย พ่อจะทำวิดีโอ",
                ],
                "family_surprise.photo.check": [
                    "เค้กเขียนชื่อแม่ถูกมั้ย ดูให้ดีนะ",
                    "ถามร้านด้วยว่าเค้กต้องมารับกี่โมง",
                    "เลือกกล่องสีเขียวนะ สีที่แม่ชอบ",
                    "ได้ของแล้วซ่อนไว้ในห้อง{name}ก่อน อย่าวางไว้ห้องนั่งเล่น",
                ],
            },
        ),
        Stage(
            name="family_surprise.photo_sent",
            role="B",
            families={
                "family_surprise.photo_sent.here": [
                    "นี่{P} สวยมั้ย",
                    "ส่งไปสามรูป เลือกเอาเลย",
                    "เค้กน่ากินมาก อยากกินก่อนแม่อีก",
                    "ถ่ายรูปการ์ดแล้ว แต่ลายมือไม่ค่อยสวย",
                ],
                "family_surprise.photo_sent.hidden": [
                    "ซ่อนไว้ในตู้เสื้อผ้าแล้ว แม่ไม่เปิดแน่",
                    "ลบรูปในเครื่องแล้ว เผื่อแม่ดู",
                    "ร้านเขียนชื่อแม่ผิด เดี๋ยวเขาแก้ให้{P}",
                    "ห่อของขวัญเองแล้ว ออกมาเบี้ยวนิดนึง",
                ],
            },
        ),
        Stage(
            name="family_surprise.after",
            role="A",
            families={
                "family_surprise.after.success": [
                    "แม่ร้องไห้เลย ขอบใจมากนะลูก",
                    "เซอร์ไพรส์สำเร็จ! ทีมเราเก่งมาก",
                    "แม่ถามใหญ่เลยว่าแอบวางแผนกันตั้งแต่เมื่อไหร่",
                    "ไม่ต้องลบรูปแล้วนะ ส่งให้แม่ดูได้ทุกรูปเลย",
                ],
                "family_surprise.after.treat": [
                    "เดี๋ยวพ่อเลี้ยงไอติมเป็นรางวัล",
                    "{day}ไปกิน{food}กันทั้งบ้านนะ",
                    "วันเกิดพ่อปีหน้า ห้ามไปร่วมมือกับแม่แกล้งพ่อล่ะ",
                    "เก็บความลับเก่งขนาดนี้ วันเกิดพ่อต้องไปช่วยแม่แน่ๆ",
                ],
            },
        ),
    ],
)

# --------------------------------------------------------------------------------------------------
# 2. teacher_extra_class: a teacher arranges extra tutoring with a student.
# --------------------------------------------------------------------------------------------------
_TEACHER_EXTRA_CLASS = Scenario(
    name="teacher_extra_class",
    description=(
        "A teacher offers a student extra tutoring: grade check, schedule, fee, place or online class, "
        "parents' consent, homework photos."
    ),
    hard_negative=True,
    roles=("teacher", "student"),
    minor_roles=frozenset({"B"}),
    optional=frozenset({"teacher_extra_class.fee_ask", "teacher_extra_class.feedback"}),
    beats=[
        Stage(
            name="teacher_extra_class.offer",
            role="A",
            families={
                "teacher_extra_class.offer.notice": [
                    "{name} ครูจะเปิดติว{subject}ตอนเย็น สนใจมั้ย",
                    "ใครเกรด{subject}ยังไม่ถึงสอง ครูว่ามาเรียนเสริมกับครูนะ",
                    "เทอมนี้ครูเปิดคลาสพิเศษสำหรับเด็กที่จะสอบเข้า มาเรียนด้วยกัน",
                    "ครูเห็นผลสอบกลางภาคของ{name}แล้ว มาติวเพิ่มกันหน่อยดีมั้ย",
                    "ช่วงใกล้สอบ O-NET ครูจะสอนเพิ่มให้ ใครอยากมาบอกครูได้เลย",
                ],
                "teacher_extra_class.offer.grade_check": [
                    "ตอนนี้อยู่{grade}ใช่มั้ย ครูจะได้จัดกลุ่มให้ถูก",
                    "ปีนี้ขึ้นชั้นอะไรแล้วนะ ครูจำไม่ได้",
                    "{name}เรียนห้องไหนนะ ครูจะใส่ชื่อในลิสต์",
                    "กลุ่มนี้รับเฉพาะ{grade} ถ้าอยู่ชั้นอื่นมีอีกรอบ",
                ],
            },
        ),
        Stage(
            name="teacher_extra_class.interest",
            role="B",
            families={
                "teacher_extra_class.interest.yes": [
                    "สนใจ{P}ครู",
                    "อยากเรียน{P} ช่วงนี้ตามเพื่อนไม่ทันเลย",
                    "ได้{P} แต่ขอถามแม่ก่อน",
                    "เพื่อนในห้องไปด้วยได้มั้ย{PQ}",
                    "เรียนกี่โมงถึงกี่โมง{PQ}",
                ],
                "teacher_extra_class.interest.class_info": [
                    "ตอนนี้อยู่{grade}{P}",
                    "{grade}ห้อง 3{P}",
                    "ปีนี้{grade}แล้ว{P} ห้องเดิมกับปีที่แล้ว",
                    "ห้องเรียนพิเศษ{P} ตึกสาม",
                ],
            },
        ),
        Stage(
            name="teacher_extra_class.schedule",
            role="A",
            families={
                "teacher_extra_class.schedule.time": [
                    "เรียนทุกอังคารกับพฤหัส {time} นะ",
                    "ครูว่าจะเริ่ม{day} {time} เรียนประมาณชั่วโมงครึ่ง",
                    "ว่างวันไหนบ้าง ครูจะจัดให้ตรงกับเพื่อนในกลุ่ม",
                    "เสาร์เช้าสะดวกมั้ย เก้าโมงถึงสิบเอ็ดโมง",
                ],
                "teacher_extra_class.schedule.place": [
                    "เรียนที่ห้องสมุดโรงเรียนนะ ชั้นสอง โต๊ะริมหน้าต่าง",
                    "ถ้ามาโรงเรียนไม่สะดวก เรียนออนไลน์ผ่าน{app}ได้ ครูจะส่งลิงก์ให้",
                    "ห้องเรียนคือห้อง 204 ตึกวิทย์ มาก่อนเวลาสักสิบนาทีนะ",
                    "เรียนผ่าน{app} เปิดกล้องด้วยนะ ครูจะได้เห็นว่าทำโจทย์ทันมั้ย",
                    "ครูสอนเป็นกลุ่มห้าหกคน ไม่ได้สอนเดี่ยว",
                ],
            },
        ),
        Stage(
            name="teacher_extra_class.fee_ask",
            role="B",
            families={
                "teacher_extra_class.fee_ask.price": [
                    "ค่าเรียนเท่าไหร่{PQ}",
                    "ต้องจ่ายตังค์มั้ย{PQ}ครู",
                    "แม่ถามว่าเดือนละเท่าไหร่{PQ}",
                    "จ่ายเป็นครั้งหรือเหมาเดือน{PQ}",
                ],
                "teacher_extra_class.fee_ask.prepare": [
                    "ต้องเอาหนังสือเล่มไหนไปบ้าง{PQ}",
                    "ต้องซื้อชีทเองมั้ย{PQ}",
                    "ถ้าเรียนออนไลน์ ใช้มือถือได้มั้ย{PQ} ที่บ้านไม่มีคอม",
                    "ต้องเตรียมอะไรก่อนเรียนมั้ย{PQ}",
                ],
            },
        ),
        Stage(
            name="teacher_extra_class.fee",
            role="A",
            families={
                "teacher_extra_class.fee.price": [
                    "ครั้งละ{amount}บาท จะจ่ายรายเดือนก็ได้",
                    "ค่าชีทกับค่าเรียนรวม{amount}บาทนะ",
                    "ใครที่บ้านไม่สะดวกเรื่องเงิน มาคุยกับครูได้ ไม่ต้องอาย",
                    "เรียนฟรีนะ ครูอยากให้เด็กที่จะสอบมีที่ถามโจทย์",
                ],
                "teacher_extra_class.fee.payment": [
                    "ให้ผู้ปกครองโอนผ่าน{wallet} แล้วส่งสลิปให้ครูทาง{app}",
                    "จ่ายวันแรกที่มาเรียนก็ได้ ใส่ซองเขียนชื่อมา",
                    "ชีทครูถ่ายเอกสารให้เอง ไม่ต้องซื้อเพิ่ม",
                ],
                "teacher_extra_class.fee.parents": [
                    "เดี๋ยวครูโทรคุยกับผู้ปกครองเองนะ ขอเบอร์คุณแม่หน่อย",
                    "กลับบ้านไปบอกพ่อแม่ด้วยว่าครูจะโทรไปคืนนี้",
                    "ให้คุณแม่แอดไลน์ครูมา ครูจะอธิบายรายละเอียดเอง",
                    "ต้องให้ผู้ปกครองเซ็นใบขออนุญาตก่อน ถึงจะเรียนได้",
                ],
            },
        ),
        Stage(
            name="teacher_extra_class.confirm",
            role="B",
            families={
                "teacher_extra_class.confirm.parent_ok": [
                    "แม่บอกโอเค{P} จะโอนให้{day}",
                    "เดี๋ยวให้แม่แอดไลน์ไปหาครู{P}",
                    "ส่งเบอร์แม่ให้ในแชทแล้ว{P}",
                    "พ่อถามว่าโทรหลังสองทุ่มได้มั้ย{PQ}",
                    "ใบขออนุญาตแม่เซ็นแล้ว พรุ่งนี้เอาไปส่ง{P}",
                ],
                "teacher_extra_class.confirm.unsure": [
                    "แม่ยังไม่ตอบเลย{P} เดี๋ยวถามอีกที",
                    "ขอเรียนออนไลน์ได้มั้ย{PQ} บ้านไกล",
                    "วันพฤหัสติดเรียนว่ายน้ำ{P} เปลี่ยนเป็นวันอื่นได้มั้ย",
                    "แม่ถามว่าแบ่งจ่ายเป็นงวดได้มั้ย{PQ}",
                ],
            },
        ),
        Stage(
            name="teacher_extra_class.homework",
            role="A",
            families={
                "teacher_extra_class.homework.send_photo": [
                    "ทำแบบฝึกหัดหน้า 45 แล้วถ่ายรูปส่งมาให้ครูดูนะ",
                    "ข้อไหนไม่เข้าใจ ถ่ายรูปโจทย์ส่งมาใน{app}ได้เลย",
                    "ส่งรูปการบ้านมาก่อน{time}นะ ครูจะตรวจให้คืนนี้",
                    "ถ่ายให้เห็นวิธีทำด้วย ไม่ใช่แค่คำตอบ",
                    "ส่งในกลุ่ม{app}ของคลาสเลย เพื่อนจะได้ดูด้วย",
                ],
                "teacher_extra_class.homework.prep": [
                    "ก่อนเรียนครั้งแรก ลองทำข้อสอบเก่าชุดนี้ดูนะ",
                    "อ่านบทที่ 3 มาก่อน จะได้ตามทัน",
                    "ไม่ต้องเครียด ทำได้เท่าไหร่เอาเท่านั้น",
                    "ครูอัดคลิปสรุปไว้ในกลุ่มแล้ว ดูก่อนมาเรียน",
                ],
            },
        ),
        Stage(
            name="teacher_extra_class.homework_sent",
            role="B",
            families={
                "teacher_extra_class.homework_sent.sent": [
                    "ส่งแล้ว{P} ข้อ 5 ไม่แน่ใจ",
                    "รูปชัดมั้ย{PQ} ถ่ายใหม่ได้นะครู",
                    "ส่งไปสองรูป{P} หน้าแรกกับหน้าสอง",
                    "ทำเสร็จแล้ว{P} ใช้เวลานานมาก",
                ],
                "teacher_extra_class.homework_sent.stuck": [
                    "ทำไม่ทันอ่ะครู ขอส่ง{day}ได้มั้ย{PQ}",
                    "ข้อ 7 ทำไม่ได้เลย{P} งงตั้งแต่บรรทัดแรก",
                    "ครูอธิบายข้อ 2 อีกรอบได้มั้ย{PQ}",
                    "ส่งไปผิดรูป{P} อันแรกเป็นการบ้านวิชาอื่น",
                ],
            },
        ),
        Stage(
            name="teacher_extra_class.feedback",
            role="A",
            families={
                "teacher_extra_class.feedback.check": [
                    "ถูกเกือบหมดเลย เก่งขึ้นเยอะนะ",
                    "ข้อ 5 ผิดนิดเดียวตรงเครื่องหมาย ไว้ครูอธิบายตอนเรียน",
                    "วิธีคิดถูกแล้ว แค่คำนวณพลาด ค่อยๆ ทำ",
                    "ข้อ 7 ไม่เป็นไร เพื่อนก็ติดเหมือนกัน ครูจะสอนใหม่",
                ],
                "teacher_extra_class.feedback.reminder": [
                    "{day}เจอกันนะ อย่าลืมเอาเครื่องคิดเลขมา",
                    "ถ้าป่วยหรือมาไม่ได้ ให้ผู้ปกครองแจ้งครูด้วย",
                    "ครูส่งสรุปให้คุณแม่ดูแล้ว ว่าเรียนไปถึงไหน",
                    "พักผ่อนเยอะๆ อย่าอ่านหนังสือดึกเกิน",
                ],
            },
        ),
    ],
)

# --------------------------------------------------------------------------------------------------
# 3. coach_practice: a sports coach and a young athlete.
# --------------------------------------------------------------------------------------------------
_COACH_PRACTICE = Scenario(
    name="coach_practice",
    description=(
        "A youth sports coach and an athlete: practice schedule, tournament age category and documents, team "
        "pick-up agreed with the parent, form videos, team group chat."
    ),
    hard_negative=True,
    roles=("coach", "athlete"),
    minor_roles=frozenset({"B"}),
    optional=frozenset({"coach_practice.ack", "coach_practice.group"}),
    beats=[
        Stage(
            name="coach_practice.schedule",
            role="A",
            families={
                "coach_practice.schedule.time": [
                    "ซ้อม{sport}{day} {time} ที่สนามโรงเรียนนะ",
                    "อาทิตย์นี้มีซ้อมเพิ่มวันเสาร์ เจ็ดโมงครึ่ง ห้ามสาย",
                    "ตารางซ้อมเดือนนี้โค้ชลงในกลุ่มไลน์ทีมแล้ว ดูด้วย",
                    "{day}ฝนตก ย้ายไปซ้อมในโรงยิมแทน",
                    "ใกล้แข่งแล้ว ต่อไปซ้อมทุกวันหลังเลิกเรียน",
                ],
                "coach_practice.schedule.gear": [
                    "เอาชุดซ้อมกับขวดน้ำมาด้วย",
                    "กินอะไรรองท้องมาก่อน วันนี้ซ้อมหนัก",
                    "ใครรองเท้าพังบอกโค้ช จะเบิกของใหม่ให้",
                    "ใส่เสื้อทีมมานะ วันนี้ถ่ายรูปทีม",
                ],
            },
        ),
        Stage(
            name="coach_practice.ack",
            role="B",
            families={
                "coach_practice.ack.ok": [
                    "รับทราบ{P}โค้ช",
                    "ไปได้{P} แต่อาจถึงช้านิดนึง เลิกเรียนช้า",
                    "โอเค{P} เสื้อทีมซักไว้แล้ว",
                    "ได้{P} จะไปก่อนเวลา",
                ],
                "coach_practice.ack.absent": [
                    "โค้ช วันพฤหัสมีสอบ ขอลาซ้อมได้มั้ย{PQ}",
                    "เมื่อวานข้อเท้าพลิก{P} ซ้อมเบาๆ ได้มั้ย",
                    "ต้องไปงานบวชญาติ{P} ขาดซ้อมวันเสาร์",
                    "แม่ให้ถามว่าเลิกซ้อมกี่โมง{PQ}",
                ],
            },
        ),
        Stage(
            name="coach_practice.tournament",
            role="A",
            families={
                "coach_practice.tournament.announce": [
                    "เดือนหน้ามีแข่งระดับจังหวัดที่{province} โค้ชอยากส่ง{name}ลงนะ",
                    "มีรายการเยาวชนเปิดรับสมัครแล้ว สนใจลงมั้ย",
                    "ทีมเราได้สิทธิ์ไปแข่งรอบต่อไปแล้ว!",
                ],
                "coach_practice.tournament.birth_year": [
                    "จะส่งชื่อลงรุ่นอายุไม่เกิน 14 ปี {name}เกิดปีไหนนะ",
                    "ขอปีเกิดหน่อย ต้องกรอกใบสมัคร",
                    "ตอนนี้อายุ{age}ใช่มั้ย จะได้ลงรุ่นให้ถูก",
                    "วันเกิดเดือนอะไร ถ้าเกิดปลายปีอาจได้ลงรุ่นเล็ก",
                ],
                "coach_practice.tournament.documents": [
                    "ให้คุณแม่ถ่ายรูปสูติบัตรส่งมาให้โค้ชด้วย เขาใช้ยืนยันอายุ",
                    "ขอรูปหน้าตรงหนึ่งรูปทำบัตรนักกีฬา ใส่เสื้อนักเรียนนะ",
                    "ใบขออนุญาตผู้ปกครองต้องเซ็นส่งภายในวันศุกร์",
                ],
            },
        ),
        Stage(
            name="coach_practice.tournament_reply",
            role="B",
            families={
                "coach_practice.tournament_reply.age": [
                    "เกิดปี 2554{P}",
                    "อายุ{age}{P} เกิดเดือนพฤศจิกา",
                    "ไม่แน่ใจปีเกิด{P} เดี๋ยวถามแม่ก่อน",
                    "ปีนี้{age}{P} ลงรุ่นไหนได้บ้าง",
                ],
                "coach_practice.tournament_reply.excited": [
                    "อยากแข่ง{P} ตื่นเต้นมาก",
                    "ต้องไปค้างที่{province}มั้ย{PQ}",
                    "เดี๋ยวให้แม่ถ่ายสูติบัตรส่งให้โค้ชทางไลน์{P}",
                    "แม่ถามว่าค่าสมัครเท่าไหร่{PQ}",
                ],
            },
        ),
        Stage(
            name="coach_practice.pickup",
            role="A",
            families={
                "coach_practice.pickup.meet": [
                    "วันแข่งโค้ชไปรับที่{place} {time} นะ แม่{name}โอเคแล้ว",
                    "รถตู้ทีมออกจาก{place} {time} ตรง ใครมาสายตกรถ",
                    "{day}เจอกันที่{place} โค้ชจะพาไปสนามพร้อมกันทั้งทีม",
                    "ใครบ้านอยู่ทางเดียวกันโค้ชแวะรับได้ บอกจุดมาหน่อย",
                ],
                "coach_practice.pickup.parent_ok": [
                    "โค้ชคุยกับคุณแม่แล้ว ให้ไปกับรถทีมได้",
                    "ผู้ปกครองจะไปส่งเองหรือให้โค้ชรับ ช่วยบอกด้วยนะ",
                    "ให้แม่โทรหาโค้ชหน่อย จะได้ยืนยันเรื่องรับส่ง",
                    "มีผู้ปกครองอาสาขับรถตามไปด้วยสองคัน สบายใจได้",
                ],
            },
        ),
        Stage(
            name="coach_practice.pickup_reply",
            role="B",
            families={
                "coach_practice.pickup_reply.ok": [
                    "แม่บอกแล้ว{P} จะไปรอที่{place}",
                    "ได้{P} จะไปกับ{relative}",
                    "แม่จะขับไปส่งเอง{P} ไม่ต้องแวะรับ",
                    "ขอให้แวะรับหน้าบ้านได้มั้ย{PQ} อยู่ทางผ่าน",
                ],
                "coach_practice.pickup_reply.questions": [
                    "ต้องเอาเสื้อผ้าไปกี่ชุด{PQ}",
                    "กลับถึงกี่โมง{PQ} แม่จะได้มารับ",
                    "เอาเงินไปเท่าไหร่ดี{PQ} ค่าข้าว",
                    "เพื่อนในทีมไปรถคันเดียวกันหมดมั้ย{PQ}",
                ],
            },
        ),
        Stage(
            name="coach_practice.video",
            role="A",
            families={
                "coach_practice.video.ask": [
                    "ถ่ายคลิปตอนซ้อมที่บ้านส่งมาหน่อย โค้ชจะดูท่าให้",
                    "ให้พี่หรือแม่ช่วยถ่ายวิดีโอจากด้านข้าง ส่งมาในกลุ่มทีม",
                    "อัดวิดีโอตอนวอร์มอัพมาให้ดูหน่อย อยากเห็นจังหวะเท้า",
                    "ส่งคลิปแข่งเมื่อวานมาด้วย โค้ชจะเอามาวิเคราะห์กับทีม",
                ],
                "coach_practice.video.feedback": [
                    "คลิปที่ส่งมาเมื่อวาน แขนยังงออยู่นะ ลองถ่ายใหม่",
                    "ฟอร์มดีขึ้นเยอะเลย ซ้อมต่อแบบนี้",
                    "ถ่ายไกลไปหน่อย มองไม่ค่อยเห็น ขยับกล้องเข้ามาอีก",
                    "ดูคลิปแล้ว พลาดตรงจังหวะสุดท้าย เดี๋ยวแก้กันตอนซ้อม",
                ],
            },
        ),
        Stage(
            name="coach_practice.video_reply",
            role="B",
            families={
                "coach_practice.video_reply.sent": [
                    "ส่งคลิปไปแล้ว{P} มุมนี้ได้มั้ย",
                    "วันนี้ฝนตก ถ่ายได้นิดเดียว{P}",
                    "ให้พี่ชายถ่ายให้{P} ส่งในกลุ่มหรือส่งให้โค้ชทางแชทดี",
                    "ถ่ายใหม่แล้ว{P} รอบนี้แขนตรงยัง",
                ],
                "coach_practice.video_reply.learn": [
                    "ขอบคุณ{P} จะลองแก้ดู",
                    "ท่านี้ยากมากเลย{P} ทำไม่ค่อยได้",
                    "มีคลิปตัวอย่างให้ดูมั้ย{PQ}",
                    "พรุ่งนี้ไปซ้อมเช้าได้มั้ย{PQ} อยากฝึกเพิ่ม",
                ],
            },
        ),
        Stage(
            name="coach_practice.group",
            role="A",
            families={
                "coach_practice.group.team_chat": [
                    "ส่งในกลุ่มทีมเลย เพื่อนจะได้ดูด้วย",
                    "โค้ชสร้างกลุ่ม{app}ของทีมแล้ว เดี๋ยวแอดเข้า",
                    "เรื่องรับส่งกับตารางแข่งจะแจ้งในกลุ่มผู้ปกครองนะ",
                    "ใครยังไม่เข้ากลุ่มทีม สแกนคิวอาร์ที่โค้ชส่งไว้",
                ],
                "coach_practice.group.praise": [
                    "วันนี้ทำได้ดีมาก ภูมิใจนะ",
                    "แพ้ไม่เป็นไร เล่นสุดแล้ว กลับไปพักผ่อน",
                    "กลับถึงบ้านแล้วบอกในกลุ่มด้วยว่าถึงแล้ว",
                    "ยืดเหยียดก่อนนอนด้วย พรุ่งนี้จะได้ไม่ปวด",
                ],
            },
        ),
    ],
)

# --------------------------------------------------------------------------------------------------
# 4. relative_gift_topup: a relative rewards a child with money or a game top-up.
# --------------------------------------------------------------------------------------------------
_RELATIVE_GIFT_TOPUP = Scenario(
    name="relative_gift_topup",
    description=(
        "A relative congratulates a child on grades or a birthday, asks for a photo of the report card, sends"
        " money or a game top-up and playfully asks to keep it from a sibling."
    ),
    hard_negative=True,
    roles=("relative", "child"),
    minor_roles=frozenset({"B"}),
    optional=frozenset({"relative_gift_topup.thanks", "relative_gift_topup.visit"}),
    beats=[
        Stage(
            name="relative_gift_topup.congrats",
            role="A",
            families={
                "relative_gift_topup.congrats.grades": [
                    "ได้ข่าวจากแม่ว่าเกรดเทอมนี้ดีมาก เก่งมากเลยหลาน",
                    "{relative}ได้ยินว่า{name}สอบได้ที่หนึ่งของห้อง จริงป่ะ",
                    "แม่เล่าว่าสอบติด{school}แล้ว ดีใจด้วยนะ",
                    "เกรด{subject}ได้ 4 เลยเหรอ สุดยอด",
                ],
                "relative_gift_topup.congrats.birthday": [
                    "สุขสันต์วันเกิดนะ{name} ปีนี้{age}แล้วสิ โตไวจัง",
                    "HBD นะหลาน ขอให้เป็นเด็กดี ตั้งใจเรียน",
                    "วันเกิดปีนี้{relative}ไปหาไม่ได้ เลยทักมาก่อน",
                    "{age}ขวบแล้วเหรอเนี่ย เหมือนเพิ่งอุ้มอยู่เมื่อวาน",
                ],
            },
        ),
        Stage(
            name="relative_gift_topup.thanks",
            role="B",
            families={
                "relative_gift_topup.thanks.shy": [
                    "ขอบคุณ{P}{relative}",
                    "ไม่ได้เก่งขนาดนั้นหรอก{P} ฟลุ๊กๆ",
                    "ใช่{P} {subject}ได้ 4 ด้วย",
                    "แม่เล่าหมดเลยอ่ะ อายจัง",
                ],
                "relative_gift_topup.thanks.miss": [
                    "คิดถึง{relative}จัง เมื่อไหร่จะมาบ้าน",
                    "ขอบคุณ{P} {relative}สบายดีมั้ย",
                    "ปิดเทอมจะไปหาที่{province}นะ",
                    "ขอบคุณที่จำวันเกิดได้{P}",
                ],
            },
        ),
        Stage(
            name="relative_gift_topup.report_card",
            role="A",
            families={
                "relative_gift_topup.report_card.ask_photo": [
                    "ถ่ายรูปสมุดพกส่งมาให้ดูหน่อยสิ อยากเห็น",
                    "ส่งรูปใบเกรดมาหน่อย {relative}จะเอาไปอวดเพื่อน",
                    "มีรูปตอนรับเกียรติบัตรมั้ย ส่งมาดูหน่อย",
                    "ให้แม่ถ่ายรูปตอนรับรางวัลส่งมาในกลุ่มครอบครัวด้วยนะ",
                ],
                "relative_gift_topup.report_card.wish": [
                    "อยากได้อะไรเป็นรางวัล บอก{relative}มาเลย",
                    "ของขวัญวันเกิดอยากได้อะไร {gift}ดีมั้ย",
                    "ยังเล่น{game}อยู่ป่ะ เติมให้มั้ย",
                    "จะเอาเป็นเงินหรือเป็นของดี เลือกเอา",
                ],
            },
        ),
        Stage(
            name="relative_gift_topup.wish",
            role="B",
            families={
                "relative_gift_topup.wish.photo": [
                    "ส่งรูปไปแล้ว{P}",
                    "รูปเบลอนิดนึง{P} แม่ถ่ายให้",
                    "สมุดพกอยู่ที่โรงเรียน{P} ได้วันศุกร์จะถ่ายส่งให้",
                    "ส่งไปในกลุ่มครอบครัวแล้ว{P}",
                ],
                "relative_gift_topup.wish.topup": [
                    "อยากได้{game_currency}ใน{game}{P} ได้มั้ย",
                    "อะไรก็ได้{P} ไม่ให้ก็ได้",
                    "ขอ{gift}ได้มั้ย{PQ} อันเก่าพังแล้ว",
                    "ขอเป็นเงินเก็บไว้ซื้อหนังสือการ์ตูน{P}",
                    "ไอดีเกมคือ {handle}{P} เติมผ่านไอดีได้เลย",
                ],
            },
        ),
        Stage(
            name="relative_gift_topup.sent",
            role="A",
            families={
                "relative_gift_topup.sent.topup": [
                    "{relative}เติม{game_currency}ให้แล้วนะ ลองเข้าเกมดู",
                    "เติมเข้าไอดี {handle} แล้ว ขึ้นยัง",
                    "ส่งรหัสบัตรเติมเงินไปในแชทแล้ว เอาไปเติมเองนะ",
                    "ให้พี่ที่ร้านเติมให้แล้ว {amount}บาท น่าจะได้{game_currency}เยอะอยู่",
                ],
                "relative_gift_topup.sent.money": [
                    "โอนเข้า{wallet}ของแม่ไปแล้ว{amount}บาท ให้แม่เบิกให้นะ",
                    "ได้{amount}บาทยัง {relative}โอนไปเมื่อกี้",
                    "ใส่ซองแดงไว้ให้แล้ว ไปเอาที่บ้าน{relative}ได้เลย",
                    "เช็คดูหน่อยว่าเงินเข้ายัง {relative}โอนไม่ค่อยเป็น",
                ],
            },
        ),
        Stage(
            name="relative_gift_topup.received",
            role="B",
            families={
                "relative_gift_topup.received.got": [
                    "ได้แล้ว{P} ขอบคุณมากๆ",
                    "เข้าแล้ว{P} เย้",
                    "เติมเข้าแล้ว ได้สกินที่อยากได้แล้ว{P}",
                    "แม่บอกว่าเงินเข้าแล้ว ขอบคุณมาก{P}",
                ],
                "relative_gift_topup.received.problem": [
                    "ยังไม่ขึ้นเลย{P} เดี๋ยวลองออกเข้าเกมใหม่",
                    "รหัสใช้ไม่ได้{P} มันขึ้นว่าถูกใช้แล้ว",
                    "{relative}เติมผิดไอดีป่าว ของเรายังไม่เข้า",
                    "โอ๊ะ ขึ้นแล้วๆ เมื่อกี้เน็ตช้า",
                ],
            },
        ),
        Stage(
            name="relative_gift_topup.advice",
            role="A",
            families={
                "relative_gift_topup.advice.save": [
                    "อย่าใช้หมดทีเดียวนะ เก็บไว้บ้าง",
                    "เล่นเกมได้ แต่อย่าลืมทำการบ้านล่ะ",
                    "แบ่งไปซื้อของกินบ้าง อย่าเติมเกมหมด",
                    "บอกแม่ด้วยนะว่า{relative}ให้ จะได้ไม่ตกใจ",
                ],
                "relative_gift_topup.advice.sibling_secret": [
                    "ไม่ต้องบอกพี่นะ เดี๋ยวพี่อิจฉา",
                    "เรื่องนี้ความลับระหว่างเราสองคน น้องจะได้ไม่งอน",
                    "อย่าเพิ่งไปอวดพี่ล่ะ เดี๋ยวทะเลาะกันอีก",
                    "ของน้อง{relative}ให้ตอนวันเกิดน้อง ตอนนี้เก็บเงียบๆ ไปก่อน",
                ],
            },
        ),
        Stage(
            name="relative_gift_topup.promise",
            role="B",
            families={
                "relative_gift_topup.promise.secret_ok": [
                    "ไม่บอกแน่นอน{P}",
                    "พี่รู้แล้วอ่ะ แม่เล่า",
                    "ไม่อวดหรอก{P} เดี๋ยวพี่มาขอยืม",
                    "โอเค{P} เก็บเงียบๆ",
                ],
                "relative_gift_topup.promise.study": [
                    "จะเก็บไว้ครึ่งนึง{P}",
                    "สัญญาว่าจะตั้งใจเรียน{P}",
                    "เทอมหน้าจะเอาเกรดสี่ทุกวิชาเลย",
                    "ทำการบ้านเสร็จแล้วค่อยเล่น{P}",
                ],
            },
        ),
        Stage(
            name="relative_gift_topup.visit",
            role="A",
            families={
                "relative_gift_topup.visit.invite": [
                    "ปิดเทอมมาหา{relative}ที่{province}นะ",
                    "ไว้{day}{relative}ไปรับไปกิน{food}",
                    "สงกรานต์กลับบ้านมั้ย {relative}รออยู่",
                    "มาค้างบ้าน{relative}สักคืนสิ ถามแม่ดู",
                ],
                "relative_gift_topup.visit.miss": [
                    "คิดถึงนะหลาน รักษาสุขภาพด้วย",
                    "วิดีโอคอลหา{relative}บ้างนะ จะได้เห็นหน้า",
                    "ฝากสวัสดีพ่อกับแม่ด้วย",
                    "เกรดออกเทอมหน้าส่งมาให้ดูอีกนะ",
                ],
            },
        ),
    ],
)

# --------------------------------------------------------------------------------------------------
# 5. teen_flirting: two same-age teens flirting shyly and innocently.
# --------------------------------------------------------------------------------------------------
_TEEN_FLIRTING = Scenario(
    name="teen_flirting",
    description=(
        "Two classmates of the same age flirt shyly: compliments, a group outing, class-trip photos and a "
        "confession they want kept secret, with no pressure."
    ),
    hard_negative=True,
    roles=("teen", "teen"),
    minor_roles=frozenset({"A", "B"}),
    optional=frozenset({"teen_flirting.shy", "teen_flirting.confess_reply"}),
    beats=[
        Stage(
            name="teen_flirting.opener",
            role="A",
            families={
                "teen_flirting.opener.excuse": [
                    "ทำการบ้าน{subject}ยัง ขอดูข้อ 3 หน่อยดิ",
                    "{name} พรุ่งนี้ต้องเอาอะไรไปบ้างอ่ะ ลืมจด",
                    "ครูจับกลุ่มงานแล้วใช่ป่ะ เราอยู่กลุ่มเดียวกันนะ",
                    "ชีทที่ครูแจกวันนี้ แกมีไฟล์ป่ะ",
                ],
                "teen_flirting.opener.random": [
                    "นี่ๆ วันนี้เห็นแกที่โรงอาหาร",
                    "ว่างป่ะ ทักมาเฉยๆ",
                    "เพลงที่แกลงสตอรี่ชื่ออะไรอ่ะ เพราะดี",
                    "กลับบ้านถึงยัง วันนี้ฝนตกหนักมาก",
                ],
            },
        ),
        Stage(
            name="teen_flirting.respond",
            role="B",
            families={
                "teen_flirting.respond.casual": [
                    "ยังเลย ข้อ 3 ยากชิบ",
                    "ว่าง มีไรอ่ะ",
                    "ถึงแล้ว เปียกไปครึ่งตัว",
                    "เพลงเก่าอ่ะ เดี๋ยวส่งลิงก์ให้",
                ],
                "teen_flirting.respond.tease": [
                    "เห็นเหมือนกัน ทำไมไม่ทักล่ะ",
                    "ทักมาแปลกๆ นะเนี่ย มีอะไรป่าว",
                    "อ้าว {me}นึกว่าแกไม่รู้จักชื่อเราซะอีก",
                    "ไม่ได้อยากดูการบ้านหรอกมั้ง",
                ],
            },
        ),
        Stage(
            name="teen_flirting.compliment",
            role="A",
            families={
                "teen_flirting.compliment.looks": [
                    "วันนี้ทำผมทรงใหม่ป่ะ ดูดีนะ",
                    "ตอนแกหัวเราะอ่ะ น่ารักดี พูดจริง",
                    "รูปโปรใหม่น่ารักอ่ะ",
                    "ใส่แว่นแล้วดูเท่ดีนะ",
                ],
                "teen_flirting.compliment.talent": [
                    "ตอนพรีเซนต์หน้าห้องเก่งมากเลยอ่ะ",
                    "ใครบอกว่าแกร้องเพลงไม่เพราะ เพราะจะตาย",
                    "วาดรูปสวยมาก ขอรูปนึงได้ป่ะ",
                    "เห็นแกเล่น{sport}วันกีฬาสี โคตรเท่",
                ],
            },
        ),
        Stage(
            name="teen_flirting.shy",
            role="B",
            families={
                "teen_flirting.shy.embarrassed": [
                    "บ้าาา เขินนะ",
                    "พูดงี้กับทุกคนป่ะเนี่ย",
                    "อะไรของแกเนี่ย หน้าแดงหมดละ",
                    "หยุดเลย เขินแล้ว",
                ],
                "teen_flirting.shy.return": [
                    "ขอบใจ แกก็ดูดีนะวันนี้",
                    "แกก็เก่งนะ ไม่ต้องมาชมเราหรอก",
                    "ดีใจอ่ะ ไม่ค่อยมีใครชม",
                    "จริงเหรอ งั้นพรุ่งนี้ทำทรงนี้อีก",
                ],
            },
        ),
        Stage(
            name="teen_flirting.invite",
            role="A",
            families={
                "teen_flirting.invite.group_outing": [
                    "{day}ว่างป่ะ ไป{place}กับแก๊งกัน",
                    "หลังสอบเสร็จไปกิน{food}กันมั้ย ชวนเพื่อนไปด้วยก็ได้",
                    "ไปดูหนังกันป่ะ ไปเป็นกลุ่มนะ ไม่ได้ไปสองคน",
                    "แก๊งเราจะไปคาเฟ่{day} ไปด้วยกันนะ",
                ],
                "teen_flirting.invite.school_event": [
                    "งานโรงเรียน{day}ไปเดินด้วยกันมั้ย",
                    "วันกีฬาสีนั่งด้วยกันป่ะ",
                    "ไปติวที่ห้องสมุดด้วยกันมั้ย {time}",
                    "เดี๋ยวรอแกหน้าห้องนะ เดินไปโรงอาหารด้วยกัน",
                ],
            },
        ),
        Stage(
            name="teen_flirting.accept",
            role="B",
            families={
                "teen_flirting.accept.yes": [
                    "ไปดิ",
                    "ได้ๆ กี่โมงอ่ะ",
                    "เอาดิ ชวนเพื่อนแกมาด้วยนะ",
                    "ไปๆ {me}ว่างพอดี",
                ],
                "teen_flirting.accept.conditions": [
                    "ไปได้ แต่ต้องขอแม่ก่อน",
                    "ไปสิ แต่ต้องกลับก่อนหกโมงนะ แม่ดุ",
                    "ถ้าเพื่อนไปด้วยก็ไป",
                    "{day}ติดเรียนพิเศษอ่ะ วันอื่นได้ป่ะ",
                ],
            },
        ),
        Stage(
            name="teen_flirting.photo",
            role="A",
            families={
                "teen_flirting.photo.class_trip": [
                    "ส่งรูปตอนไปทัศนศึกษาให้หน่อยดิ ที่ถ่ายหมู่อ่ะ",
                    "รูปที่{province}ที่แกถ่ายอ่ะ มีเราด้วยป่ะ ขอหน่อย",
                    "ขอรูปกีฬาสีหน่อย จะเอาไปลงสตอรี่",
                    "แกมีรูปห้องเราตอนเข้าค่ายป่ะ ส่งมาหน่อยสิ",
                ],
                "teen_flirting.photo.together": [
                    "รูปที่เรายืนข้างกันอ่ะ ส่งมาหน่อยได้มั้ย",
                    "ที่เพื่อนแอบถ่ายเราสองคนตอนงานโรงเรียนอ่ะ แกมีป่ะ",
                    "อยากได้รูปที่ถ่ายกับแก เก็บไว้เป็นที่ระลึก",
                    "ขอรูปหมู่อันที่แกยิ้มสวยสุดอ่ะ",
                ],
            },
        ),
        Stage(
            name="teen_flirting.photo_reply",
            role="B",
            families={
                "teen_flirting.photo_reply.sent": [
                    "เดี๋ยวส่งในกลุ่มห้องให้นะ",
                    "ส่งแล้ว อันที่สองหน้าแกตลกมาก",
                    "รูปนี้ป่ะ ที่ยืนข้างกันอ่ะ",
                    "รอแป๊บ ไฟล์อยู่ในมือถือแม่",
                ],
                "teen_flirting.photo_reply.dont_post": [
                    "อย่าเอาไปลงไอจีนะ หน้าเราพัง",
                    "จะลงก็ได้ แต่ครอปเราออกด้วย",
                    "เก็บไว้ดูเองนะ อย่าส่งต่อ เขิน",
                    "ลงได้ แต่แท็กเราด้วย",
                ],
            },
        ),
        Stage(
            name="teen_flirting.confess",
            role="A",
            families={
                "teen_flirting.confess.like": [
                    "จริงๆ เราชอบแกนะ ไม่ต้องตอบตอนนี้ก็ได้",
                    "เราว่าเราชอบเธออ่ะ พิมพ์แล้วมือสั่นเลย",
                    "ถ้าไม่ชอบก็บอกได้นะ ยังเป็นเพื่อนกันเหมือนเดิม",
                    "ไม่ได้อยากให้อึดอัดนะ แค่อยากให้รู้",
                ],
                "teen_flirting.confess.keep_quiet": [
                    "อย่าบอกใครนะว่าเราชอบแก",
                    "เรื่องที่คุยวันนี้ห้ามบอกเพื่อนในห้องนะ อายอ่ะ",
                    "ถ้าเพื่อนแกรู้ เราโดนล้อทั้งเทอมแน่",
                    "เก็บไว้รู้กันสองคนก่อนนะ",
                ],
            },
        ),
        Stage(
            name="teen_flirting.confess_reply",
            role="B",
            families={
                "teen_flirting.confess_reply.same": [
                    "ไม่บอกหรอก... จริงๆ เราก็ชอบแกนะ",
                    "รู้อยู่แล้วแหละ เพื่อนแกเล่าหมด",
                    "เหมือนกันเลยอ่ะ",
                    "พรุ่งนี้เจอกันที่โรงเรียนจะทำตัวยังไงดีเนี่ย",
                ],
                "teen_flirting.confess_reply.slow": [
                    "ขอคิดก่อนได้ป่ะ ตกใจ",
                    "เป็นเพื่อนกันไปก่อนได้มั้ย ค่อยๆ รู้จักกัน",
                    "ไม่บอกใครหรอก สบายใจได้",
                    "ขอบใจที่บอกนะ ยังคุยกันเหมือนเดิมนะ",
                ],
            },
        ),
    ],
)

# --------------------------------------------------------------------------------------------------
# 6. shop_transfer_slip: an online shop and a customer.
# --------------------------------------------------------------------------------------------------
_SHOP_TRANSFER_SLIP = Scenario(
    name="shop_transfer_slip",
    description=(
        "An online shop admin and a customer: order, colour/size photos, price, transfer and slip photo, pay-"
        "by-deadline or cancel, delivery and the shop's chat account."
    ),
    hard_negative=True,
    roles=("shop", "customer"),
    minor_roles=frozenset(),
    optional=frozenset({"shop_transfer_slip.follow", "shop_transfer_slip.thanks"}),
    beats=[
        Stage(
            name="shop_transfer_slip.greet",
            role="A",
            families={
                "shop_transfer_slip.greet.welcome": [
                    "สวัสดี{P} สนใจสินค้าตัวไหนสอบถามได้เลย",
                    "ขอบคุณที่ทักมา{P} สนใจ{item}แบบไหน{PQ}",
                    "ตอนนี้{item}มีโปรลด 10% ถึงสิ้นเดือน{P}",
                    "แอดมินขอโทษที่ตอบช้า{P} ช่วงนี้ออเดอร์เยอะมาก",
                ],
                "shop_transfer_slip.greet.cf": [
                    "เห็นคุณ{name}คอมเมนต์ CF {item} ไว้ ยังรับอยู่มั้ย{PQ}",
                    "จากไลฟ์เมื่อคืน คุณ{name}ได้{item}ลำดับที่ 12{P}",
                    "ลูกค้าที่ CF ไว้ รบกวนทักมายืนยันออเดอร์ด้วย{P}",
                    "คุณ{name}เป็นคนแรกที่ F มา ร้านล็อกของไว้ให้แล้ว{P}",
                ],
            },
        ),
        Stage(
            name="shop_transfer_slip.ask",
            role="B",
            families={
                "shop_transfer_slip.ask.stock": [
                    "{item}ตัวนี้ยังมีของมั้ย{PQ}",
                    "มีสีอื่นอีกมั้ย{PQ}",
                    "ของพร้อมส่งหรือพรีออเดอร์{PQ}",
                    "ยังรับ{P} เอา 2 ชิ้น",
                ],
                "shop_transfer_slip.ask.price": [
                    "ราคาเท่าไหร่{PQ} ส่งฟรีมั้ย",
                    "ซื้อสองชิ้นลดได้มั้ย{PQ}",
                    "มีเก็บเงินปลายทางมั้ย{PQ}",
                    "ค่าส่งไป{province}เท่าไหร่{PQ}",
                ],
            },
        ),
        Stage(
            name="shop_transfer_slip.photo_ask",
            role="A",
            families={
                "shop_transfer_slip.photo_ask.pick": [
                    "รบกวนส่งรูปสีที่ต้องการมาให้แอดมินดูหน่อย{P}",
                    "แคปรูปสินค้าที่ต้องการส่งมาได้เลย{P} จะได้ไม่ส่งผิด",
                    "วงสีที่ชอบในรูปนี้แล้วส่งกลับมาได้เลย{P}",
                    "มีทั้งหมด 6 สี ดูในอัลบั้มหน้าเพจได้{P}",
                ],
                "shop_transfer_slip.photo_ask.size": [
                    "ลูกค้าใส่ไซส์อะไร{PQ} ดูตารางไซส์ในรูปนี้ได้เลย",
                    "ถ้าไม่แน่ใจไซส์ วัดความยาวเท้าแล้วบอกแอดมินได้{P}",
                    "เป็นฟรีไซส์{P} ปกติใส่ไซส์ L ก็ใส่ได้สบาย",
                    "ส่งรูป{item}ตัวเดิมที่ใช้อยู่มาก็ได้{P} แอดมินจะเทียบไซส์ให้",
                ],
                "shop_transfer_slip.photo_ask.quote": [
                    "{item}ราคา{amount}บาท ค่าส่ง 40 บาท{P}",
                    "ซื้อ 2 ชิ้นขึ้นไปส่งฟรี{P}",
                    "เก็บปลายทางบวกเพิ่ม 20 บาท{P}",
                ],
            },
        ),
        Stage(
            name="shop_transfer_slip.choice",
            role="B",
            families={
                "shop_transfer_slip.choice.picked": [
                    "สีนี้{P} ไซส์ M",
                    "ส่งรูปไปแล้ว{P} เอาอันที่วงแดงไว้",
                    "เอาสีครีมกับสีดำอย่างละตัว{P}",
                    "ไซส์ L มีมั้ย{PQ} ซื้อให้น้อง",
                ],
                "shop_transfer_slip.choice.unsure": [
                    "สีในรูปกับของจริงตรงกันมั้ย{PQ}",
                    "ผ้าหนามั้ย{PQ} ใส่แล้วร้อนป่าว",
                    "ขอดูรูปสินค้าจริงได้มั้ย{PQ} ไม่เอารูปโฆษณา",
                    "ถ้าใส่ไม่ได้ เปลี่ยนไซส์ได้มั้ย{PQ}",
                ],
            },
        ),
        Stage(
            name="shop_transfer_slip.payment",
            role="A",
            families={
                "shop_transfer_slip.payment.total": [
                    "ยอดรวม{amount}บาทรวมส่งแล้ว{P}",
                    "ชำระผ่าน{wallet}ได้เลย{P} เลขบัญชีตามรูปด้านบน",
                    "สรุปออเดอร์{P} {item} 1 ชิ้น ยอดโอน{amount}บาท",
                ],
                "shop_transfer_slip.payment.slip": [
                    "โอนแล้วรบกวนส่งรูปสลิปมาในแชทนี้ด้วย{P}",
                    "แนบสลิปพร้อมชื่อ ที่อยู่ เบอร์โทรมาได้เลย{P}",
                    "โอนแล้วอย่าลืมแคปสลิปส่งมา แอดมินจะได้เช็คยอด{P}",
                    "ขอชื่อผู้รับกับที่อยู่จัดส่งด้วย{P}",
                ],
                "shop_transfer_slip.payment.deadline": [
                    "รบกวนโอน{deadline}{P} ไม่งั้นระบบจะยกเลิกออเดอร์อัตโนมัติ",
                    "ถ้าไม่ได้รับยอด{deadline} ขออนุญาตปล่อยคิวให้ลูกค้าท่านถัดไป{P}",
                    "ของเหลือชิ้นสุดท้าย ร้านล็อกไว้ให้ถึง{deadline}{P}",
                    "ออเดอร์ที่ไม่ชำระ{deadline} ร้านขอยกเลิกอัตโนมัติ{P}",
                ],
            },
        ),
        Stage(
            name="shop_transfer_slip.paid",
            role="B",
            families={
                "shop_transfer_slip.paid.slip_sent": [
                    "โอนแล้ว{P} นี่สลิป",
                    "ส่งสลิปไปแล้ว{P} เช็คให้หน่อย",
                    "โอนผ่าน{wallet}แล้ว แต่สลิปไม่ขึ้น แคปหน้าจอแทนได้มั้ย{PQ}",
                    "เดี๋ยวเลิกงานแล้วโอนให้{P} ทันแน่นอน",
                ],
                "shop_transfer_slip.paid.address": [
                    "ที่อยู่ตามนี้เลย{P} ส่งรูปไปในแชทแล้ว",
                    "ส่งไปที่ทำงานได้มั้ย{PQ} กลางวันไม่มีคนอยู่บ้าน",
                    "ที่อยู่เดิมเหมือนครั้งที่แล้วเลย{P}",
                    "ฝากเขียนหน้ากล่องว่าโทรก่อนส่งด้วย{P}",
                ],
            },
        ),
        Stage(
            name="shop_transfer_slip.confirm",
            role="A",
            families={
                "shop_transfer_slip.confirm.received": [
                    "ได้รับยอดแล้ว{P} ขอบคุณที่อุดหนุน",
                    "เช็คสลิปแล้ว ยอดเข้าเรียบร้อย{P}",
                    "สลิปไม่ชัด รบกวนส่งใหม่อีกรอบได้มั้ย{PQ}",
                    "ยอดขาดไป 20 บาท{P} รบกวนโอนเพิ่มด้วย",
                ],
                "shop_transfer_slip.confirm.shipping": [
                    "ร้านจะแพ็คส่ง{day}{P} เลขพัสดุจะส่งให้ในแชทนี้",
                    "ของส่งออกไปแล้ว{P} ประมาณ 2-3 วันถึง",
                    "ส่งแบบ EMS ให้{P} น่าจะถึงไว",
                    "ได้ของแล้วรบกวนถ่ายรูปรีวิวให้ร้านด้วย{P}",
                ],
            },
        ),
        Stage(
            name="shop_transfer_slip.follow",
            role="A",
            families={
                "shop_transfer_slip.follow.add_app": [
                    "แอด{app}ร้านไว้ได้เลย{P} ไอดี {handle} มีโปรทุกเดือน",
                    "ติดตามเลขพัสดุทาง{app}ร้าน {handle} ได้{P}",
                    "ถ้ามีปัญหาเรื่องสินค้า ทักไลน์ร้าน {handle} ได้ตลอด{P}",
                    "กดติดตาม{app}ร้านไว้ จะได้ไม่พลาดไลฟ์{P}",
                ],
                "shop_transfer_slip.follow.review": [
                    "ฝากรีวิวหน้าเพจให้ร้านด้วย{P}",
                    "รีวิวพร้อมรูป รับส่วนลด 20 บาทครั้งหน้า{P}",
                    "ขอบคุณมาก{P} แล้วแวะมาอุดหนุนใหม่",
                    "ร้านแถมของเล็กๆ ไปให้ในกล่องด้วย{P}",
                ],
            },
        ),
        Stage(
            name="shop_transfer_slip.thanks",
            role="B",
            families={
                "shop_transfer_slip.thanks.happy": [
                    "ได้ของแล้ว{P} สวยมาก",
                    "ขอบคุณ{P} จะมาอุดหนุนอีก",
                    "ส่งไวมาก ประทับใจ{P}",
                    "ใส่แล้วพอดีเลย{P}",
                ],
                "shop_transfer_slip.thanks.issue": [
                    "ได้ของแล้วแต่สีไม่ตรงอ่ะ เปลี่ยนได้มั้ย{PQ}",
                    "ยังไม่ได้ของเลย{P} เลขพัสดุเช็คไม่ขึ้น",
                    "ได้ไซส์ผิดมา{P} ส่งรูปให้ดูแล้ว",
                    "กล่องบุบนิดหน่อย แต่ของไม่เป็นไร{P}",
                ],
            },
        ),
    ],
)

# --------------------------------------------------------------------------------------------------
# 7. friends_trip_photos: teen friends share and tease about trip photos.
# --------------------------------------------------------------------------------------------------
_FRIENDS_TRIP_PHOTOS = Scenario(
    name="friends_trip_photos",
    description=(
        "Teen friends share photos from a trip: send the photos, don't post the ugly one, joking 'delete it "
        "or I'll tell everyone', meet to print them, move to a group chat."
    ),
    hard_negative=True,
    roles=("friend", "friend"),
    minor_roles=frozenset({"A", "B"}),
    optional=frozenset({"friends_trip_photos.print_reply", "friends_trip_photos.group"}),
    beats=[
        Stage(
            name="friends_trip_photos.ask",
            role="A",
            families={
                "friends_trip_photos.ask.send": [
                    "ส่งรูปที่{province}มาดิ รออยู่",
                    "ไหนรูปทริป{province} ยังไม่ได้สักรูปเลยนะ",
                    "แกถ่ายไว้เยอะสุด ส่งมาหน่อย",
                    "รูปจากกล้องฟิล์มล้างออกมายังอ่ะ",
                ],
                "friends_trip_photos.ask.album": [
                    "ลงรูปในอัลบั้มกลุ่มให้หน่อย ไฟล์ใหญ่ส่งทาง{app}ก็ได้",
                    "ทำไดรฟ์รวมรูปทริปหน่อยดิ ทุกคนจะได้โหลด",
                    "ขอรูปตอนพระอาทิตย์ตกอ่ะ จะเอาไปตั้งวอลเปเปอร์",
                    "กล้องแกชัดกว่ามือถือเรา ขอหมดเลยนะ",
                ],
            },
        ),
        Stage(
            name="friends_trip_photos.send",
            role="B",
            families={
                "friends_trip_photos.send.sending": [
                    "เดี๋ยวส่ง เยอะมากอ่ะ 300 กว่ารูป",
                    "เน็ตช้า รอแป๊บ",
                    "ส่งแบบไฟล์นะ ชัดกว่า",
                    "อัปขึ้นไดรฟ์แล้ว ลิงก์อยู่ในกลุ่ม",
                ],
                "friends_trip_photos.send.highlight": [
                    "ส่งไปละ ดูดิ รูปริมทะเลสวยสุด",
                    "รูปที่กระโดดพร้อมกันอ่ะ ออกมาดีมาก",
                    "มีรูปนึงแกทำหน้าแปลกมาก ดูเอง",
                    "รูปหมู่ตรงจุดชมวิวโคตรดี",
                ],
            },
        ),
        Stage(
            name="friends_trip_photos.ugly",
            role="A",
            families={
                "friends_trip_photos.ugly.dont_post": [
                    "รูปที่ 12 ห้ามลงนะ หน้าเราเหมือนเพิ่งตื่น",
                    "อย่าโพสต์รูปที่เรากำลังกินอยู่นะ ไม่ปลื้ม",
                    "ลงได้ทุกรูปยกเว้นรูปที่เราตาปิดอ่ะ",
                    "ก่อนลงให้เราเลือกก่อนนะ ขอร้อง",
                ],
                "friends_trip_photos.ugly.delete": [
                    "อันที่เราหลับในรถอ่ะ ลบไปเลย",
                    "รูปที่เราล้มบนหาดอ่ะ ลบทิ้งเดี๋ยวนี้",
                    "ใครถ่ายตอนเราร้องไห้ดูหนังผีวะ ลบด่วน",
                    "ลบรูปเบลอๆ ของเราออกจากอัลบั้มด้วย",
                ],
            },
        ),
        Stage(
            name="friends_trip_photos.tease",
            role="B",
            families={
                "friends_trip_photos.tease.joke_keep": [
                    "ไม่ลบ 555 รูปนี้ต้องเก็บไว้แบล็กเมล์",
                    "เดี๋ยวตั้งเป็นรูปโปรไฟล์กลุ่มเลย",
                    "สายไปแล้ว ส่งในกลุ่มห้องไปละ ล้อเล่นๆ",
                    "รูปนี้ดีที่สุดในทริปแล้วนะ ตลกสุด",
                ],
                "friends_trip_photos.tease.bargain": [
                    "ลบก็ได้ แต่ต้องเลี้ยงชาไข่มุกก่อน",
                    "ลบให้ ถ้าแกส่งรูปที่เราดูดีๆ มาแทน",
                    "เก็บไว้ใช้ขู่ตอนแกเบี้ยวนัด",
                    "จะลบก็ต่อเมื่อแกทำรายงานกลุ่มให้",
                ],
            },
        ),
        Stage(
            name="friends_trip_photos.threat_joke",
            role="A",
            families={
                "friends_trip_photos.threat_joke.tell_everyone": [
                    "ลบเดี๋ยวนี้ ไม่งั้นจะบอกทุกคนว่าแกกลัวผี",
                    "ถ้าไม่ลบ เราเล่าเรื่องที่แกตกน้ำให้ทั้งห้องฟังนะ",
                    "ลบนะ ไม่งั้นเอาคลิปแกละเมอร้องเพลงลงกลุ่มบ้าง",
                    "อย่าให้ต้องแฉเรื่องที่แกหลงทางในห้างนะ",
                ],
                "friends_trip_photos.threat_joke.deal": [
                    "เอางี้ แกลบรูปเรา เราลบรูปแก ยุติธรรม",
                    "เลี้ยงก็ได้ แต่ลบต่อหน้าเราเลย",
                    "โอเค ยอม ชาไข่มุกแก้วนึง แต่ลบด่วน",
                    "งั้นทำรายงานให้ก็ได้ แต่ขอเห็นว่าลบแล้ว",
                ],
            },
        ),
        Stage(
            name="friends_trip_photos.give_in",
            role="B",
            families={
                "friends_trip_photos.give_in.deleted": [
                    "ก็ได้ๆ ลบแล้ว ขี้งอน",
                    "ลบแล้ว แคปหน้าจอให้ดูเลย",
                    "ดีลๆ ลบพร้อมกันนะ",
                    "ใจเย็น ล้อเล่น ไม่ได้ลงหรอก",
                ],
                "friends_trip_photos.give_in.keep_private": [
                    "โอเค ไม่ลง แต่ขอเก็บไว้ดูขำคนเดียว",
                    "ไม่ส่งต่อหรอก สัญญา",
                    "ไม่ลงหรอก เราก็มีรูปพังๆ เหมือนกัน",
                    "ซ่อนไว้แล้ว ไม่ให้ใครเห็นแน่นอน",
                ],
            },
        ),
        Stage(
            name="friends_trip_photos.print",
            role="A",
            families={
                "friends_trip_photos.print.meet": [
                    "ไปอัดรูปกันมั้ย {day}เจอกันที่{place}",
                    "แถว{place}มีร้านปริ้นรูปโพลารอยด์ ไปกัน{time}",
                    "{day}ว่างป่ะ ไปปริ้นรูปมาติดห้องกัน",
                    "นัดกันที่{place}นะ {time} ใครมาก่อนจองโต๊ะ",
                ],
                "friends_trip_photos.print.album": [
                    "อยากทำสมุดภาพทริปแจกทุกคนในกลุ่ม",
                    "เลือกมาคนละสิบรูป เดี๋ยวเราเอาไปปริ้นให้",
                    "ปริ้นรูปหมู่ไปให้ครูที่พาไปด้วยดีป่ะ",
                    "ทำบอร์ดรูปทริปติดห้องเรียนกัน",
                ],
            },
        ),
        Stage(
            name="friends_trip_photos.print_reply",
            role="B",
            families={
                "friends_trip_photos.print_reply.yes": [
                    "ไปๆ {time}นะ",
                    "ได้ เดี๋ยวชวนคนอื่นด้วย",
                    "เอาด้วย เลือกรูปไว้แล้ว",
                    "ไปได้ แต่ขอแม่ก่อน",
                ],
                "friends_trip_photos.print_reply.cost": [
                    "อัดรูปละกี่บาทอ่ะ หารกันนะ",
                    "{day}ไม่ว่างอ่ะ วันอื่นได้มั้ย",
                    "ร้านนั้นแพง ไปร้านหน้าโรงเรียนถูกกว่า",
                    "ปริ้นเองที่บ้านได้นะ พ่อมีเครื่อง",
                ],
            },
        ),
        Stage(
            name="friends_trip_photos.group",
            role="A",
            families={
                "friends_trip_photos.group.move_app": [
                    "ย้ายไปคุยในกลุ่ม{app}เถอะ คนอื่นจะได้เห็นรูปด้วย",
                    "สร้างกลุ่มใน{private_app}ละ ชื่อทริป{province} เข้ามาด้วย",
                    "อัปทั้งหมดไว้ในอัลบั้มกลุ่มแล้ว ใครเอารูปไหนโหลดเอง",
                    "ไลน์กลุ่มรูปเต็มแล้ว ไปคุยต่อใน{private_app}กันดีกว่า",
                ],
                "friends_trip_photos.group.next_trip": [
                    "ทริปหน้าไปไหนดี",
                    "ปิดเทอมไป{province}กันอีกป่ะ",
                    "รอบหน้าชวนทั้งห้องไปเลย",
                    "ต้องเริ่มเก็บตังค์แล้ว ทริปหน้าไปทะเลอีก",
                ],
            },
        ),
    ],
)

SCENARIOS: list[Scenario] = [
    _FAMILY_SURPRISE,
    _TEACHER_EXTRA_CLASS,
    _COACH_PRACTICE,
    _RELATIVE_GIFT_TOPUP,
    _TEEN_FLIRTING,
    _SHOP_TRANSFER_SLIP,
    _FRIENDS_TRIP_PHOTOS,
]
