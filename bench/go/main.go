// The Go peer of the benchmarks, run with GOMAXPROCS=1: the same workloads,
// checks and RESULT line as the C programs (see bench/common/bench.h).
//
//	go_peer WORKLOAD [N]
//
// Goroutines are stackful, so "await" is a plain call or a channel receive:
// skynet is goroutines joined through channels, spawn-join goroutines
// joined through a WaitGroup, round robin two goroutines yielding with
// runtime.Gosched, and await depth a chain of calls that the compiler may
// not inline.
package main

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const depth = 100

func skynet(c chan<- int64, num, size int64) {
	if size == 1 {
		c <- num
		return
	}
	step := size / 10
	rc := make(chan int64, 10)
	for i := int64(0); i < 10; i++ {
		go skynet(rc, num+i*step, step)
	}
	var sum int64
	for i := 0; i < 10; i++ {
		sum += <-rc
	}
	c <- sum
}

func spawnJoin(n int64) int64 {
	results := make([]int64, n)
	var wg sync.WaitGroup
	wg.Add(int(n))
	for i := int64(0); i < n; i++ {
		go func(i int64) {
			results[i] = i
			wg.Done()
		}(i)
	}
	wg.Wait()
	var sum int64
	for _, v := range results {
		sum += v
	}
	return sum
}

func pingpong(n int64) int64 {
	var switches int64
	var wg sync.WaitGroup
	player := func() {
		defer wg.Done()
		for switches < n {
			switches++
			runtime.Gosched()
		}
	}
	wg.Add(2)
	go player()
	go player()
	wg.Wait()
	return switches
}

//go:noinline
func chain(d int) int64 {
	if d == 1 {
		return 1
	}
	return chain(d-1) + 1
}

func awaitDepth(n int64) int64 {
	var total int64
	for i := int64(0); i < n/depth; i++ {
		total += chain(depth)
	}
	return total
}

func sleepers(n int64) (int64, float64) {
	var woken int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	state := uint64(42)
	longest := uint64(0)
	wg.Add(int(n))
	for i := int64(0); i < n; i++ {
		state = state*6364136223846793005 + 1442695040888963407
		ms := (state >> 33) % 1001
		if ms > longest {
			longest = ms
		}
		go func(ms uint64) {
			time.Sleep(time.Duration(ms) * time.Millisecond)
			mu.Lock()
			woken++
			mu.Unlock()
			wg.Done()
		}(ms)
	}
	wg.Wait()
	return woken, float64(longest) / 1000
}

// echo serves n connections on 127.0.0.1 (port printed as "PORT n"), one
// goroutine each, and returns the bytes it echoed once all have closed.
func echo(n int64) int64 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo/go:", err)
		os.Exit(1)
	}
	fmt.Printf("PORT %d\n", ln.Addr().(*net.TCPAddr).Port)
	var echoed int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(int(n))
	for i := int64(0); i < n; i++ {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "echo/go:", err)
			os.Exit(1)
		}
		go func(c net.Conn) {
			defer wg.Done()
			defer c.Close()
			buf := make([]byte, 4096)
			for {
				k, err := c.Read(buf)
				if k > 0 {
					if _, werr := c.Write(buf[:k]); werr != nil {
						return
					}
					mu.Lock()
					echoed += int64(k)
					mu.Unlock()
				}
				if err != nil {
					return
				}
			}
		}(c)
	}
	wg.Wait()
	ln.Close()
	return echoed
}

// peakRSSKiB reads VmHWM; ru_maxrss would include the RSS of the process
// that forked us.
func peakRSSKiB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				v, _ := strconv.ParseInt(f[1], 10, 64)
				return v
			}
		}
	}
	return -1
}

func main() {
	workload := os.Args[1]
	defaults := map[string]int64{"skynet": 1000000, "spawn_join": 1000000,
		"pingpong": 10000000, "sleepers": 100000, "await_depth": 10000000,
		"echo": 50}
	n := defaults[workload]
	if len(os.Args) > 2 {
		v, err := strconv.ParseInt(os.Args[2], 10, 64)
		if err != nil || v <= 0 {
			fmt.Fprintln(os.Stderr, "usage: go_peer WORKLOAD [N]")
			os.Exit(2)
		}
		n = v
	}
	var value, expected int64
	extra := ""
	t0 := time.Now()
	switch workload {
	case "skynet":
		c := make(chan int64, 1)
		go skynet(c, 0, n)
		value, expected = <-c, n*(n-1)/2
	case "spawn_join":
		value, expected = spawnJoin(n), n*(n-1)/2
	case "pingpong":
		value, expected = pingpong(n), n
	case "await_depth":
		value, expected = awaitDepth(n), n/depth*depth
	case "echo":
		value = echo(n)
		expected = value // the driver checks the byte count
	case "sleepers":
		var longest float64
		value, longest = sleepers(n)
		expected = n
		extra = fmt.Sprintf(" overshoot=%.6f", time.Since(t0).Seconds()-longest)
	default:
		fmt.Fprintln(os.Stderr, "unknown workload", workload)
		os.Exit(2)
	}
	seconds := time.Since(t0).Seconds()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)*1e-6
	fmt.Printf("RESULT workload=%s peer=go n=%d value=%d seconds=%.9f maxrss_kb=%d cpu=%.6f%s\n",
		workload, n, value, seconds, peakRSSKiB(), cpu, extra)
	if value != expected {
		fmt.Fprintf(os.Stderr, "%s/go: wrong result %d, expected %d\n", workload, value, expected)
		os.Exit(1)
	}
}
