# What run_lesson.cmake and twin.cmake share: comparing two printed stories
# line by line, with the timing numbers (N.NN seconds) taken out of the
# text and compared as numbers.
#
#   story_compare(GOT WANT MODE SLACK GOT_NAME WANT_NAME)
#
# The two texts must have the same lines in the same order once each number
# reads "#".  Then, number by number, in hundredths of a second:
#   MODE bounds  GOT must lie in [WANT, WANT + SLACK], else the test fails
#                (timers do not fire early, and a loaded machine stays
#                within SLACK);
#   MODE note    a difference over SLACK either way is only reported.
# GOT_NAME and WANT_NAME label the two sides in messages.

set(STORY_NUMBER_RE "[0-9]+\\.[0-9][0-9]")

# Seconds with two decimals ("0.50") to integer hundredths.
function(story_hundredths text out)
  string(REGEX MATCH "^([0-9]+)\\.([0-9][0-9])$" _ "${text}")
  # "1" before the decimals keeps a leading zero from reading as octal.
  math(EXPR v "${CMAKE_MATCH_1} * 100 + 1${CMAKE_MATCH_2} - 100")
  set(${out} ${v} PARENT_SCOPE)
endfunction()

# A text as a list of lines; an empty line survives (each line ends in |).
function(story_lines text out)
  string(REPLACE ";" "\\;" text "${text}")
  string(REGEX REPLACE "\n$" "" text "${text}")
  string(REPLACE "\n" "|;" l "${text}|")
  set(${out} "${l}" PARENT_SCOPE)
endfunction()

function(story_compare got_text want_text mode slack got_name want_name)
  story_lines("${got_text}" got_lines)
  story_lines("${want_text}" want_lines)
  list(LENGTH got_lines n_got)
  list(LENGTH want_lines n_want)
  if(NOT n_got EQUAL n_want)
    message(FATAL_ERROR "${got_name}: ${n_got} lines, ${want_name}: ${n_want}\n"
                        "${got_name}:\n${got_text}\n${want_name}:\n${want_text}")
  endif()
  math(EXPR last "${n_want} - 1")
  foreach(i RANGE ${last})
    list(GET got_lines ${i} got)
    list(GET want_lines ${i} want)
    string(REGEX REPLACE "\\|$" "" got "${got}")
    string(REGEX REPLACE "\\|$" "" want "${want}")
    string(REGEX REPLACE "${STORY_NUMBER_RE}" "#" got_shape "${got}")
    string(REGEX REPLACE "${STORY_NUMBER_RE}" "#" want_shape "${want}")
    math(EXPR line "${i} + 1")
    if(NOT got_shape STREQUAL want_shape)
      message(FATAL_ERROR "line ${line} differs:\n  ${got_name}: ${got}\n  ${want_name}: ${want}")
    endif()
    string(REGEX MATCHALL "${STORY_NUMBER_RE}" got_nums "${got}")
    string(REGEX MATCHALL "${STORY_NUMBER_RE}" want_nums "${want}")
    set(k 0)
    foreach(w IN LISTS want_nums)
      list(GET got_nums ${k} g)
      math(EXPR k "${k} + 1")
      story_hundredths("${w}" wv)
      story_hundredths("${g}" gv)
      math(EXPR d "${gv} - ${wv}")
      if(mode STREQUAL "bounds")
        if(d LESS 0 OR d GREATER slack)
          message(FATAL_ERROR "line ${line}: ${g} is outside [${w}, ${w} + ${slack} hundredths]:\n"
                              "  ${got_name}: ${got}\n  ${want_name}: ${want}")
        endif()
      elseif(d GREATER slack OR d LESS -${slack})
        message(STATUS "note: line ${line}: ${got_name} ${g}, ${want_name} ${w}")
      endif()
    endforeach()
  endforeach()
endfunction()
