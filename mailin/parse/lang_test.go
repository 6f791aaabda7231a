package parse

import (
	"testing"
	"unicode"
)

func TestDetectLanguage(t *testing.T) {
	for _, tc := range []struct {
		name, text, subject string
		headers             map[string]string
		want                string
	}{
		{"Arabic", "يسر هيئة تنظيم الاتصالات أن تقدم مساهمتها الرسمية في المشاورة المفتوحة.", "", nil, "ar"},
		{"Arabic with English names", "نقترح مناقشة WSIS Action Lines و ICT4D في المنتدى مع ITU و UNESCO.", "", nil, "ar"},
		{"Chinese simplified", "华东信息技术大学信息社会研究中心谨就论坛的专题方面提交以下正式意见。", "", nil, "zh"},
		{"Chinese traditional", "本系謹就論壇的專題方面提出以下建議。", "", nil, "zh"},
		{"Chinese with English terms", "我们建议WSIS论坛讨论ICT和SDG的关系，并邀请ITU专家参加。", "", nil, "zh"},
		{"Russian", "Министерство цифрового развития предлагает кандидатуру ведущего сегмента высокого уровня.", "", nil, "ru"},
		{"English", "Please find below our official submission on the thematic aspects of the Forum.", "", nil, "en"},
		{"French", "Nous vous prions d'agréer l'expression de notre haute considération et sommes à votre disposition.", "", nil, "fr"},
		{"Spanish", "La Universidad solicita formalmente la organización de un taller durante el Foro.", "", nil, "es"},
		{"Spanish without accents", "Estimados senores, les enviamos nuestra propuesta para el Foro con los temas del taller.", "", nil, "es"},
		{"French from the subject", "", "Contribution officielle sur les innovations dans le format du Forum", nil, "fr"},
		{"URLs and addresses do not count", "Merci. https://www.example.com/the-best-of-the-web mailto:the.info@example.com", "", nil, "fr"},
		{"Russian mail with English quote", "Спасибо, получили.\n", "Re: Acknowledgement of your contribution", nil, "ru"},
		{"header breaks a tie", "OK", "", map[string]string{"Content-Language": "es-MX"}, "es"},
		{"header alone", "", "", map[string]string{"Content-Language": "fr-CH, en"}, "fr"},
		{"header not one of the six", "", "", map[string]string{"Content-Language": "de-CH"}, ""},
		{"header loses against the text", "Please find below our official submission on the thematic aspects.", "", map[string]string{"Content-Language": "fr"}, "en"},
		{"header decides between tied languages", "le la el", "", map[string]string{"Content-Language": "es"}, "es"},
		{"tie without header", "le el", "", nil, ""},
		{"nothing to go on", "12345 !!!", "", nil, ""},
		{"empty", "", "", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectLanguage(tc.text, tc.subject, tc.headers); got != tc.want {
				t.Errorf("DetectLanguage(%q, %q) = %q, want %q", tc.text, tc.subject, got, tc.want)
			}
		})
	}
}

func TestLatinLetterAsUnicodeSays(t *testing.T) {
	for r := rune(0); r < latinBelow; r++ {
		if got, want := latinLetter(r), unicode.Is(unicode.Latin, r); got != want {
			t.Errorf("latinLetter(%U) = %v, unicode.Latin says %v", r, got, want)
		}
	}
}

// TestCountScriptsRanges checks the blocks countScripts reads without the tables
// against unicode's tables, for every rune.
func TestCountScriptsRanges(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		var want scriptCounts
		want.addByTable(r)
		if r >= 0xD800 && r <= 0xDFFF {
			continue // not in a string
		}
		if got := countScripts(string(r)); got != want {
			t.Fatalf("countScripts(%U) = %+v, want %+v", r, got, want)
		}
	}
}
