// A MAAS API server for the maas instance plugin's tests: the test server that ships with MAAS's Go client library
// (gomaasapi's TestServer), with machines to allocate, MAAS's OAuth 1.0a PLAINTEXT check in front of it, and a
// read-only view of what the tests did at /_test/operations. Prints "URL <base url>" once it listens (the API is
// under <base url>/api/<version>/) and serves until stdin closes or it is killed.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/juju/gomaasapi"
)

func main() {
	version := flag.String("version", "1.0", "API version the server answers under /api/<version>/")
	machines := flag.Int("machines", 3, "how many machines are ready to allocate")
	key := flag.String("key", "", "the only API key accepted, consumer:token:secret")
	flag.Parse()
	parts := strings.Split(*key, ":")
	if len(parts) != 3 {
		fmt.Fprintln(os.Stderr, "-key must be consumer:token:secret")
		os.Exit(2)
	}

	server := gomaasapi.NewTestServer(*version)
	for i := 1; i <= *machines; i++ {
		server.NewNode(fmt.Sprintf(`{"system_id": "m%d", "hostname": "machine-%d.maas", "architecture": "amd64/generic",
			"memory": 2048, "cpu_count": 2, "zone": "default"}`, i, i))
	}

	var mu sync.Mutex
	maas := server.Config.Handler
	server.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/_test/operations" {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]interface{}{
				"operations": server.NodeOperations(),
				"values":     server.NodeOperationRequestValues(),
				"owned":      server.OwnedNodes(),
			})
			return
		}
		if problem := checkOAuth(r.Header.Get("Authorization"), parts); problem != "" {
			http.Error(w, "Authorization Error: "+problem, http.StatusUnauthorized)
			return
		}
		maas.ServeHTTP(w, r)
	})

	fmt.Printf("URL %s\n", server.URL)
	bufio.NewReader(os.Stdin).ReadString(0) // until stdin closes
	server.Close()
}

// checkOAuth checks a PLAINTEXT-signed OAuth 1.0a header as MAAS does: the consumer and token must be the key's,
// the signature "&" + the token secret (MAAS's consumers have no secret), and a nonce and timestamp present.
func checkOAuth(header string, key []string) string {
	if !strings.HasPrefix(header, "OAuth ") {
		return "no OAuth Authorization header"
	}
	params := map[string]string{}
	for _, field := range strings.Split(strings.TrimPrefix(header, "OAuth "), ",") {
		kv := strings.SplitN(strings.TrimSpace(field), "=", 2)
		if len(kv) != 2 {
			return "malformed field " + field
		}
		value, err := url.QueryUnescape(strings.Trim(kv[1], `"`))
		if err != nil {
			return "malformed value in " + field
		}
		params[kv[0]] = value
	}
	switch {
	case params["oauth_signature_method"] != "PLAINTEXT":
		return "signature method must be PLAINTEXT"
	case params["oauth_version"] != "" && params["oauth_version"] != "1.0":
		return "OAuth version must be 1.0"
	case params["oauth_consumer_key"] != key[0]:
		return "Invalid consumer"
	case params["oauth_token"] != key[1]:
		return "Invalid access token: " + params["oauth_token"]
	case params["oauth_signature"] != "&"+key[2]:
		return "Invalid signature"
	case params["oauth_nonce"] == "" || params["oauth_timestamp"] == "":
		return "missing nonce or timestamp"
	}
	return ""
}
