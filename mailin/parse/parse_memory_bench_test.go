package parse_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/wsis/wsisbot/mailin/parse"
)

// memMessage is a message built to weigh on the parser's memory, about size bytes.
type memMessage struct {
	name  string
	build func(size int) []byte
}

// memMessages are the structures the parser must read within a small multiple of the
// message size.
var memMessages = []memMessage{
	// 16 forwarded messages (message/rfc822), each forwarding the rest; the last
	// carries a base64 attachment that makes up the size.
	{"deep-nesting", func(size int) []byte { return nestedMessage(16, size, false) }},
	// The same with every forwarded message base64-encoded.
	{"deep-nesting-base64", func(size int) []byte { return nestedMessage(16, size, true) }},
	// A text part and 99 base64 attachments.
	{"100-parts", func(size int) []byte { return manyPartsMessage(100, size) }},
	// One base64 attachment.
	{"huge-part", func(size int) []byte { return manyPartsMessage(2, size) }},
	// One text/plain body.
	{"huge-text", hugeTextMessage},
	// One text/html body.
	{"huge-html", hugeHTMLMessage},
	// One text/html body that is one long preformatted text.
	{"huge-html-pre", func(size int) []byte {
		return htmlBody("utf-8", "<pre>"+strings.Repeat("The Forum should keep the multistakeholder approach.\r\n", size/54)+"</pre>")
	}},
	// One text/html body holding an image inlined as a data: URL.
	{"huge-html-data-url", func(size int) []byte {
		return htmlBody("utf-8", `<p>Our contribution.</p><img alt="chart" src="data:image/png;base64,`+
			strings.Repeat("QUJD", size/4)+`"><p>End.</p>`)
	}},
	// One text/html body in Arabic, in windows-1256.
	{"huge-html-windows-1256", func(size int) []byte {
		line := "<p>ينبغي أن يبقى النهج القائم على <b>أصحاب المصلحة المتعددين</b> في صميم الاستعراض.</p>\r\n"
		html, err := charmap.Windows1256.NewEncoder().String(strings.Repeat(line, size/(len(line)*6/10)))
		if err != nil {
			panic(err)
		}
		return htmlBody("windows-1256", html)
	}},
}

// htmlBody is a message whose body is html, in charset cs.
func htmlBody(cs, html string) []byte {
	return []byte(memHeader(0, "text/html; charset="+cs) + "\r\n" + html)
}

func memHeader(i int, contentType string) string {
	return fmt.Sprintf("From: Delegation %d <delegation%d@example.org>\r\nTo: wsis-info@itu.int\r\n"+
		"Subject: Contribution %d\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\nMessage-ID: <mem%d@example.org>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: %s\r\n", i, i, i, i, contentType)
}

// b64Lines base64-encodes data in 76-column CRLF lines.
func b64Lines(data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var b bytes.Buffer
	b.Grow(len(enc) + len(enc)/76*2 + 2)
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString("\r\n")
	return b.Bytes()
}

// payload is n bytes that do not compress to nothing.
func payload(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// nestedMessage builds depth forwarded messages inside one another, the innermost with
// an attachment bringing the whole to about size bytes.
func nestedMessage(depth, size int, encodeForwarded bool) []byte {
	innerSize := size
	if encodeForwarded {
		// Each level grows by a third.
		innerSize = int(float64(size) * math.Pow(0.75*76/78, float64(depth)))
	}
	inner := manyPartsMessage(2, innerSize)
	for i := depth; i > 0; i-- {
		var b bytes.Buffer
		boundary := fmt.Sprintf("level%d", i)
		b.WriteString(memHeader(i, `multipart/mixed; boundary="`+boundary+`"`))
		fmt.Fprintf(&b, "\r\n--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nForwarding level %d.\r\n", boundary, i)
		fmt.Fprintf(&b, "--%s\r\nContent-Type: message/rfc822\r\n", boundary)
		if encodeForwarded {
			b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
			b.Write(b64Lines(inner))
		} else {
			b.WriteString("\r\n")
			b.Write(inner)
		}
		fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
		inner = b.Bytes()
	}
	return inner
}

// manyPartsMessage builds a text part and parts-1 base64 attachments, about size bytes.
func manyPartsMessage(parts, size int) []byte {
	var b bytes.Buffer
	b.WriteString(memHeader(0, `multipart/mixed; boundary="parts"`))
	b.WriteString("\r\n--parts\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease find our documents attached.\r\n")
	each := size / (parts - 1) * 3 / 4
	for i := 1; i < parts; i++ {
		fmt.Fprintf(&b, "--parts\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"+
			"Content-Disposition: attachment; filename=\"doc%d.pdf\"\r\n\r\n", i)
		b.Write(b64Lines(payload(each)))
	}
	b.WriteString("--parts--\r\n")
	return b.Bytes()
}

// hugeTextMessage is one text/plain body of about size bytes.
func hugeTextMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString(memHeader(0, "text/plain; charset=utf-8"))
	b.WriteString("\r\n")
	line := "The Forum should keep the multistakeholder approach at the heart of the review.\r\n"
	b.WriteString(strings.Repeat(line, size/len(line)))
	return b.Bytes()
}

// BenchmarkParseMemory parses 40 MiB messages of several structures and reports the
// peak heap growth during the parse (sampled) and the bytes allocated, both also as a
// multiple of the message size. The growth does not count the message itself: the peak
// memory of a parse is the message plus peak-MB (1 + peak-x times the message size).
func BenchmarkParseMemory(b *testing.B) {
	const size = 40 << 20
	for _, mm := range memMessages {
		b.Run(mm.name, func(b *testing.B) {
			raw := mm.build(size)
			var peak, alloc uint64
			for range b.N {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				base := heapNow()
				hs := sampleHeap()
				p, err := parse.Parse(raw, parse.DefaultLimits())
				top := hs.Stop()
				runtime.ReadMemStats(&after)
				if err != nil {
					b.Fatal(err)
				}
				runtime.KeepAlive(p)
				if top > base && top-base > peak {
					peak = top - base
				}
				alloc = max(alloc, after.TotalAlloc-before.TotalAlloc)
			}
			b.ReportMetric(float64(len(raw))/1e6, "msg-MB")
			b.ReportMetric(float64(peak)/1e6, "peak-MB")
			b.ReportMetric(float64(peak)/float64(len(raw)), "peak-x")
			b.ReportMetric(float64(alloc)/1e6, "alloc-MB")
			b.ReportMetric(float64(alloc)/float64(len(raw)), "alloc-x")
		})
	}
}

func hugeHTMLMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString(memHeader(0, "text/html; charset=utf-8"))
	b.WriteString("\r\n<html><body>")
	line := "<p>The Forum should keep the <b>multistakeholder</b> approach at the heart of the review.</p>\r\n"
	b.WriteString(strings.Repeat(line, size/len(line)))
	b.WriteString("</body></html>\r\n")
	return b.Bytes()
}

// heapSampler records the peak of live heap objects while it runs.
type heapSampler struct {
	peak uint64
	stop chan struct{}
	done chan struct{}
}

// sampleHeap samples the live heap every 2 ms until Stop.
func sampleHeap() *heapSampler {
	s := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			s.peak = max(s.peak, heapNow())
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop stops sampling and returns the peak seen.
func (s *heapSampler) Stop() uint64 {
	close(s.stop)
	<-s.done
	return s.peak
}

// heapNow is the size of the live heap objects.
func heapNow() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}
