package slacktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// MaxUploadBytes is the largest file the stand-in takes, as Slack: 1 GB.
const MaxUploadBytes = 1 << 30

// LoseNext makes the next n calls of method (a Web API method or "upload") be carried
// out and then answered HTTP 500, as when the answer is lost on its way back: the caller
// cannot tell that the call was done.
func (s *Server) LoseNext(method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lose == nil {
		s.lose = map[string]int{}
	}
	s.lose[method] += n
}

// lost takes one lost answer of method, if one is due; s.mu is held.
func (s *Server) lost(method string) bool {
	if s.lose[method] > 0 {
		s.lose[method]--
		return true
	}
	return false
}

// FileMessages lists the messages sharing file id, in the order posted.
func (s *Server) FileMessages(id string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs {
		for _, f := range m.Files {
			if f == id {
				out = append(out, *m)
			}
		}
	}
	return out
}

// receiveUpload takes the bytes of file id at its upload URL, as Slack's file service
// does: the file must have been asked for with files.getUploadURLExternal, and its bytes
// must be as long as said there. s.mu is held.
func (s *Server) receiveUpload(id string, data []byte, name string) (int, string) {
	f, ok := s.files[id]
	switch {
	case !ok:
		return http.StatusNotFound, "no such upload"
	case data == nil:
		return http.StatusBadRequest, "no file in the request"
	case f.Length != 0 && len(data) != f.Length:
		return http.StatusBadRequest, fmt.Sprintf("length %d does not match the %d bytes announced", len(data), f.Length)
	}
	f.Data = data
	if f.Name == "" {
		f.Name = name
	}
	return http.StatusOK, fmt.Sprintf("OK - %d", len(data))
}

// answerFiles carries out files.getUploadURLExternal, files.completeUploadExternal and
// files.info; s.mu is held.
func (s *Server) answerFiles(r *http.Request, c Call) (map[string]any, string) {
	p := c.Params
	switch c.Method {
	case "files.getUploadURLExternal":
		length, err := strconv.Atoi(p.Get("length"))
		switch {
		case p.Get("filename") == "" || p.Get("length") == "" || err != nil:
			return nil, "invalid_arguments"
		case length <= 0:
			return nil, "missing_argument" // Slack's answer to a length of 0
		case length > MaxUploadBytes:
			return nil, "file_upload_size_restricted"
		}
		id := fmt.Sprintf("F%06d", len(s.files)+1)
		s.files[id] = &File{ID: id, Name: p.Get("filename"), Length: length}
		s.fileSeq = append(s.fileSeq, id)
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		return map[string]any{"upload_url": scheme + "://" + r.Host + "/_upload/" + id, "file_id": id}, ""
	case "files.completeUploadExternal":
		return s.completeUpload(c)
	case "files.info":
		f, ok := s.files[p.Get("file")]
		if !ok || f.Deleted || f.Data == nil {
			return nil, "file_not_found"
		}
		shares := map[string]any{}
		if f.Shared && f.Channel != "" {
			var list []map[string]any
			for _, ts := range f.Shares {
				list = append(list, map[string]any{"ts": ts, "thread_ts": f.ThreadTS, "channel_name": f.Channel})
			}
			shares["public"] = map[string]any{f.Channel: list}
		}
		channels := []string{}
		if f.Shared && f.Channel != "" {
			channels = append(channels, f.Channel)
		}
		return map[string]any{"file": map[string]any{"id": f.ID, "name": f.Name, "title": f.Title, "size": len(f.Data),
			"channels": channels, "shares": shares}}, ""
	}
	return nil, "unknown_method"
}

// completeUpload shares uploaded files: in a channel (channel_id or channels) it posts a
// file message, in the thread of thread_ts when given, as Slack does; nowhere, the files
// stay the uploader's own. Every file must have had its bytes uploaded, and the channel
// must exist. Completing a file again shares it again (another message). s.mu is held.
func (s *Server) completeUpload(c Call) (map[string]any, string) {
	p := c.Params
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(p.Get("files")), &files); err != nil || len(files) == 0 {
		return nil, "invalid_arguments"
	}
	ch := p.Get("channel_id")
	if ch == "" {
		ch = p.Get("channels")
	}
	if ch != "" && s.deleted[ch] {
		return nil, "channel_not_found"
	}
	thread := p.Get("thread_ts")
	if thread != "" {
		if ch == "" {
			return nil, "invalid_arguments"
		}
		if parent := s.byTS[thread]; parent == nil || parent.Channel != ch || parent.ThreadTS != "" {
			return nil, "invalid_thread_ts"
		}
	}
	for _, f := range files {
		if sf, ok := s.files[f.ID]; !ok || sf.Data == nil || sf.Deleted {
			return nil, "file_not_found"
		}
	}
	var out []map[string]any
	var ids []string
	for _, f := range files {
		sf := s.files[f.ID]
		sf.Title, sf.Comment, sf.Shared = f.Title, p.Get("initial_comment"), true
		if ch != "" {
			sf.Channel, sf.ThreadTS = ch, thread
		}
		ids = append(ids, sf.ID)
		out = append(out, map[string]any{"id": sf.ID, "title": sf.Title})
	}
	if ch != "" {
		m := &Message{Channel: ch, TS: s.nextTS(), ThreadTS: thread, Text: p.Get("initial_comment"), Files: ids}
		s.msgs = append(s.msgs, m)
		s.byTS[m.TS] = m
		for _, id := range ids {
			sf := s.files[id]
			sf.Shares = append(sf.Shares, m.TS)
			where := "#" + ch
			if thread != "" {
				where += " · thread reply to " + thread
			}
			line := fmt.Sprintf("%s · file %s (%d bytes) uploaded", where, sf.Name, len(sf.Data))
			if sf.Comment != "" {
				line += " · " + DisplayMrkdwn(sf.Comment)
			}
			s.printLine(line)
		}
	}
	return map[string]any{"files": out}, ""
}
